package ai.dsp.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A RabbitMQ for integration tests. No Maven artifact ships one, so: the server on the standard
 * loopback port when one answers (guest/guest), else {@code rabbitmq-server} from PATH on free
 * ports with a temporary folder, removed afterwards. Tests keep apart by queue and exchange names
 * of their own. A test that restarts the broker starts its own with {@link #startOwn()}: never
 * the machine's.
 */
public final class RabbitMqServer implements AutoCloseable {

    public static final int STANDARD_PORT = 5672;
    public static final String USERNAME = "guest";
    public static final String PASSWORD = "guest";
    private static final String PACKAGE = "rabbitmq-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(1000);
    /** AMQP 0-9-1's protocol header; a broker answers it with a Connection.Start method frame. */
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    private static final int METHOD_FRAME = 1;

    private static final SharedServer<RabbitMqServer> SHARED = new SharedServer<>("RabbitMQ server", RabbitMqServer::new, RabbitMqServer::start);

    private int port;
    private int distributionPort;
    private String nodeName;
    private Path workDir;
    private ChildProcess process;

    /** The RabbitMQ shared by all tests of this JVM, found or started on first use. */
    public static RabbitMqServer shared() {
        return SHARED.get();
    }

    public int port() {
        return port;
    }

    /** True when this harness started the server itself (none answered on the standard port). */
    public boolean ownProcess() {
        return nodeName != null;
    }

    private void start() {
        if (answers(STANDARD_PORT)) {
            port = STANDARD_PORT;
            return;
        }
        startOwn();
    }

    /** Starts a node of its own on free loopback ports, with its data in a temp folder. */
    public void startOwn() {
        int[] ports = ChildProcess.freeLoopbackPorts(2);
        port = ports[0];
        distributionPort = ports[1];
        nodeName = "dsp-test-" + port + "@localhost";
        workDir = ChildProcess.tempDirectory("dsp-rabbitmq-");
        write("rabbitmq.conf", "listeners.tcp.local = 127.0.0.1:" + port + "\n");
        // no plugins: the machine's management plugin would want port 15672 as well
        write("enabled_plugins", "[].\n");
        launch();
    }

    /** Stops this node cleanly and starts it again on the same port and data: durable queues and persistent messages stay. */
    public void restart() {
        if (!ownProcess()) {
            throw new IllegalStateException("only a node this harness started can be restarted");
        }
        shutdown();
        launch();
    }

    private void launch() {
        Path binary = Executables.requireServer("rabbitmq-server", PACKAGE);
        Path output = workDir.resolve("rabbitmq.out");
        // Debian's rabbitmq-server, run as root, runs the node as the rabbitmq user
        giveToRabbitMqUser(workDir);
        try {
            process = ChildProcess.startServer("rabbitmq-server on port " + port, List.of(binary.toString()), environment(), output,
                    START_TIMEOUT, () -> answers(port));
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
    }

    private Map<String, String> environment() {
        return Map.of(
                "RABBITMQ_NODENAME", nodeName,
                "RABBITMQ_NODE_PORT", Integer.toString(port),
                "RABBITMQ_DIST_PORT", Integer.toString(distributionPort),
                "RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1",
                "RABBITMQ_CONFIG_FILE", workDir.resolve("rabbitmq.conf").toString(),
                "RABBITMQ_ENABLED_PLUGINS_FILE", workDir.resolve("enabled_plugins").toString(),
                "RABBITMQ_MNESIA_BASE", workDir.resolve("mnesia").toString(),
                "RABBITMQ_LOG_BASE", workDir.resolve("log").toString(),
                "RABBITMQ_PID_FILE", workDir.resolve("rabbitmq.pid").toString());
    }

    /** {@code rabbitmqctl shutdown} waits until the node has written its state and stopped. */
    private void shutdown() {
        if (process == null) {
            return;
        }
        Path output = workDir.resolve("rabbitmqctl.out");
        ChildProcess control = ChildProcess.start(List.of(Executables.requireServer("rabbitmqctl", PACKAGE).toString(), "-n", nodeName, "shutdown"),
                environment(), output);
        if (!control.awaitExit(STOP_TIMEOUT)) {
            control.stop(Duration.ZERO, STOP_TIMEOUT);
        }
        process.stop(STOP_TIMEOUT, STOP_TIMEOUT);
        process = null;
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (answers(port) && Instant.now().isBefore(deadline)) {
            pause();
        }
    }

    @Override
    public void close() {
        shutdown();
        if (workDir != null) {
            ChildProcess.deleteRecursively(workDir);
            workDir = null;
        }
    }

    /** The broker's first answer to the protocol header is a method frame (Connection.Start). */
    static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_TIMEOUT.toMillis());
            socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(PROTOCOL_HEADER);
            out.flush();
            InputStream in = socket.getInputStream();
            return in.read() == METHOD_FRAME;
        } catch (IOException e) {
            return false;
        }
    }

    private void write(String name, String content) {
        try {
            Files.writeString(workDir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name, e);
        }
    }

    /** Only root has to hand the folder over; anyone else runs the node as themselves. */
    private static void giveToRabbitMqUser(Path folder) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try {
            UserPrincipal user = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("rabbitmq");
            GroupPrincipal group = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName("rabbitmq");
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        } catch (UserPrincipalNotFoundException e) {
            // no rabbitmq user: the node runs as root itself
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + folder + " to the rabbitmq user", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rabbitmq-server", e);
        }
    }
}
