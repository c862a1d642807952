package ai.dsp.platform.testing;

import com.sun.security.auth.module.UnixSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real Elasticsearch node for integration tests, run as a child process from the distribution
 * the build unpacks into {@code target/elasticsearch} (the root pom's {@code unpack-elasticsearch}).
 *
 * <p>Each instance owns a temp folder (config copy, data, logs, console output) and two loopback
 * ports chosen once, so {@link #stop()} then {@link #start()} brings back the same node with the
 * same data on the same URL, as fault tests need.
 */
public final class ElasticsearchServer implements AutoCloseable {

    private static final String HOME_PROPERTY = "dsp.test.elasticsearch.home";
    /** Where the build unpacks the distribution, for runs outside surefire (IDE). */
    private static final Path DEFAULT_HOME = Path.of("target", "elasticsearch", "elasticsearch-8.19.21");
    private static final String HEAP = "-Xms256m -Xmx256m";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** nobody:nogroup, because Elasticsearch refuses to run as root. */
    private static final int UNPRIVILEGED_ID = 65534;
    private static final int LOG_TAIL_LINES = 60;

    private static final SharedServer<ElasticsearchServer> SHARED =
            new SharedServer<>("Elasticsearch", ElasticsearchServer::new, ElasticsearchServer::start);

    /** The distribution's copy for a root run from a private folder, made once per JVM. */
    private static Path reachableCopy;

    private final Path home;
    private final Path workDir;
    private final Path consoleLog;
    private final int httpPort;
    private final int transportPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private ChildProcess process;

    /** A node from the unpacked distribution named by {@code -Ddsp.test.elasticsearch.home}; call {@link #start()}. */
    public ElasticsearchServer() {
        this(Path.of(System.getProperty(HOME_PROPERTY, DEFAULT_HOME.toString())));
    }

    /** A node from the distribution unpacked at {@code home}; call {@link #start()}. */
    public ElasticsearchServer(Path home) {
        this.home = reachableByTheNode(requireDistribution(home.toAbsolutePath()));
        int[] ports = ChildProcess.freeLoopbackPorts(2);
        this.httpPort = ports[0];
        this.transportPort = ports[1];
        this.workDir = createWorkDir();
        this.consoleLog = workDir.resolve("console.log");
    }

    /**
     * The node shared by all tests of this JVM, started on first use and killed (temp folder
     * deleted) when the JVM exits. A failed start is remembered so later tests fail fast instead
     * of waiting for the start timeout again.
     */
    public static ElasticsearchServer shared() {
        return SHARED.get();
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public synchronized boolean running() {
        return process != null && process.alive();
    }

    /** Starts the node (again) and returns once the cluster is at least yellow; no-op if it runs. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        process = launch();
        try {
            awaitHealthy();
        } catch (RuntimeException e) {
            terminate(Duration.ZERO);
            throw e;
        }
    }

    /** Shuts the node down gracefully and returns once its processes are gone; data stays. */
    public synchronized void stop() {
        if (process != null) {
            terminate(STOP_TIMEOUT);
        }
    }

    /** Stops the node and deletes its temp folder, data included. */
    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(workDir);
    }

    private ChildProcess launch() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ES_JAVA_HOME", System.getProperty("java.home"));
        env.put("ES_JAVA_OPTS", HEAP);
        // ES writes its keystore into the config folder: give it a copy, the unpacked one stays pristine
        env.put("ES_PATH_CONF", workDir.resolve("config").toString());
        env.put("ES_TMPDIR", workDir.resolve("tmp").toString());
        return ChildProcess.start(command(), env, consoleLog);
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            command.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups"));
        }
        command.add(home.resolve("bin").resolve("elasticsearch").toString());
        settings().forEach((name, value) -> command.add("-E" + name + "=" + value));
        return command;
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("cluster.name", "dsp-test");
        settings.put("node.name", "dsp-test-node");
        settings.put("discovery.type", "single-node");
        // a loopback-only node runs in development mode: bootstrap checks warn instead of failing
        settings.put("network.host", "127.0.0.1");
        settings.put("http.port", Integer.toString(httpPort));
        settings.put("transport.port", Integer.toString(transportPort));
        settings.put("path.data", workDir.resolve("data").toString());
        settings.put("path.logs", workDir.resolve("logs").toString());
        // without this a fresh node auto-configures TLS and passwords
        settings.put("xpack.security.enabled", "false");
        // a nearly full build disk must not turn indices read-only under the tests
        settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        return settings;
    }

    private void awaitHealthy() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!healthy()) {
            if (!process.alive()) {
                throw failure("exited with code " + process.exitValue() + " while starting");
            }
            if (Instant.now().isAfter(deadline)) {
                throw failure("did not reach yellow health within " + START_TIMEOUT.toSeconds() + " s");
            }
            process.awaitExit(POLL_INTERVAL);
        }
    }

    /** {@code GET /} is not served by this distribution: cluster health is the readiness signal. */
    private boolean healthy() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Elasticsearch", e);
        }
    }

    /**
     * SIGTERM goes to the CLI launcher, whose shutdown hook stops the node process gracefully;
     * the whole tree is awaited so the ports and data folder are free when this returns.
     */
    private void terminate(Duration grace) {
        process.stop(grace, STOP_TIMEOUT);
        process = null;
    }

    private IllegalStateException failure(String reason) {
        return new IllegalStateException("Elasticsearch at " + url() + " (home " + home + ") " + reason
                + "; output in " + consoleLog + ", last lines:\n" + ChildProcess.tail(consoleLog, LOG_TAIL_LINES));
    }

    private Path createWorkDir() {
        try {
            Path dir = Files.createTempDirectory("dsp-elasticsearch-");
            for (String sub : List.of("data", "logs", "tmp")) {
                Files.createDirectories(dir.resolve(sub));
            }
            copyTree(home.resolve("config"), dir.resolve("config"));
            if (runningAsRoot()) {
                makeReadableByOthers(home);
                chownTree(dir, UNPRIVILEGED_ID);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a temp folder for Elasticsearch", e);
        }
    }

    private static Path requireDistribution(Path home) {
        if (!Files.isExecutable(home.resolve("bin").resolve("elasticsearch"))) {
            throw new IllegalStateException("no Elasticsearch distribution at " + home + " (system property "
                    + HOME_PROPERTY + "); run 'mvn generate-test-resources' to unpack it");
        }
        return home;
    }

    /**
     * Root runs the node as an unprivileged user (Elasticsearch refuses root), who must reach the
     * distribution. A checkout under a private folder ({@code /root}, a {@code mktemp -d}, a
     * Debian 12 home) is out of that user's reach, so the node then runs from one copy in the
     * world-traversable temp folder, removed when the JVM exits.
     */
    private static synchronized Path reachableByTheNode(Path home) {
        if (!runningAsRoot() || traversableByOthers(home.getParent())) {
            return home;
        }
        if (reachableCopy == null) {
            try {
                Path folder = Files.createTempDirectory("dsp-elasticsearch-dist-");
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path copy = folder.resolve(home.getFileName().toString());
                copyTree(home, copy, StandardCopyOption.COPY_ATTRIBUTES);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ChildProcess.deleteRecursively(folder),
                        "elasticsearch-distribution-cleanup"));
                reachableCopy = copy;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the Elasticsearch distribution where its user can read it", e);
            }
        }
        return reachableCopy;
    }

    private static boolean traversableByOthers(Path folder) {
        try {
            for (Path dir = folder; dir != null; dir = dir.getParent()) {
                if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    private static void copyTree(Path source, Path target, CopyOption... options) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy, options);
                }
            }
        }
    }

    /** The unprivileged user must read the distribution, whatever umask unpacked it. */
    private static void makeReadableByOthers(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                boolean changed = permissions.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(path) || permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    changed |= permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                if (changed) {
                    Files.setPosixFilePermissions(path, permissions);
                }
            }
        }
    }

    private static void chownTree(Path root, int id) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(path, "unix:uid", id);
                Files.setAttribute(path, "unix:gid", id);
            }
        }
    }
}
