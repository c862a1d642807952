package ai.dsp.platform.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Neo4j 5.26 community database for integration tests (the jars of neo4j-harness), run as
 * a child JVM from the test classpath, Bolt on a free loopback port, authentication off. Tests
 * keep apart by collections of their own. {@link #stop()} and {@link #start()} again are an
 * outage: the database keeps its data and its port.
 */
public final class Neo4jServer implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final String LUCENE_DIR_PROPERTY = "dsp.test.neo4j.lucene";
    private static final String LUCENE_PATH = File.separator + "org" + File.separator + "apache" + File.separator + "lucene" + File.separator;

    private static final SharedServer<Neo4jServer> SHARED = new SharedServer<>("Neo4j server", Neo4jServer::new, Neo4jServer::start);

    private final int port = ChildProcess.freeLoopbackPorts(1)[0];
    private final Path workDir = ChildProcess.tempDirectory("dsp-neo4j-");
    private ChildProcess process;

    /** The server shared by all tests of this JVM, started on first use. */
    public static Neo4jServer shared() {
        return SHARED.get();
    }

    public String boltUri() {
        return "bolt://127.0.0.1:" + port;
    }

    /** Starts the database and returns once Bolt answers; no-op if it runs. */
    public synchronized void start() {
        if (process != null && process.alive()) {
            return;
        }
        Path output = workDir.resolve("neo4j.log");
        ChildProcess child = ChildProcess.java(Neo4jServerMain.class.getName(), JVM_OPTIONS,
                List.of(workDir.resolve("db").toString(), Integer.toString(port)), workDir, output, Neo4jServer::withNeo4jsLucene);
        process = ChildProcess.awaitAnswering("Neo4j on port " + port, child, output, START_TIMEOUT, this::answers);
    }

    /** Shuts the database down cleanly and returns once the process is gone. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_TIMEOUT, STOP_TIMEOUT);
            process = null;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(workDir);
    }

    /** Neo4j 5.26 loads codecs Lucene 9.12 moved: its JVM gets the Lucene it was built on (copied by the build) instead of ours. */
    private static List<String> withNeo4jsLucene(List<String> classpath) {
        String dir = System.getProperty(LUCENE_DIR_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + LUCENE_DIR_PROPERTY + " is unset: run the tests through Maven");
        }
        List<String> entries = new ArrayList<>(classpath.stream().filter(entry -> !entry.contains(LUCENE_PATH)).toList());
        try (Stream<Path> jars = Files.list(Path.of(dir))) {
            jars.filter(jar -> jar.toString().endsWith(".jar")).forEach(jar -> entries.add(jar.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list Neo4j's Lucene in " + dir, e);
        }
        return entries;
    }

    /** Bolt's handshake: the magic preamble, answered by the one version the server agrees to. */
    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_TIMEOUT.toMillis());
            socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
            byte[] handshake = {0x60, 0x60, (byte) 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0};
            socket.getOutputStream().write(handshake);
            byte[] version = socket.getInputStream().readNBytes(4);
            return version.length == 4 && (version[3] == 5 || version[3] == 4);
        } catch (IOException e) {
            return false;
        }
    }
}
