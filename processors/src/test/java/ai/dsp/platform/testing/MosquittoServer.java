package ai.dsp.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An MQTT 5 broker for integration tests. Moquette, the embeddable Java broker, speaks MQTT 5 only
 * from 0.18, which Maven Central as reached here does not serve (0.17 refuses protocol level 5),
 * so: the broker on the standard loopback port when one answers, else {@code mosquitto} from PATH
 * on a free port, persisting to a temporary folder removed afterwards. Tests keep apart by topics
 * and client ids of their own. A test that restarts the broker starts its own with
 * {@link #startOwn()}: never the machine's.
 */
public final class MosquittoServer implements AutoCloseable {

    public static final int STANDARD_PORT = 1883;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(1000);
    private static final int CONNACK = 0x20;

    private static final SharedServer<MosquittoServer> SHARED = new SharedServer<>("Mosquitto broker", MosquittoServer::new, MosquittoServer::start);

    private int port;
    private Path workDir;
    private ChildProcess process;

    /** The broker shared by all tests of this JVM, found or started on first use. */
    public static MosquittoServer shared() {
        return SHARED.get();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** True when this harness started the broker itself (none answered on the standard port). */
    public boolean ownProcess() {
        return workDir != null;
    }

    private void start() {
        if (answers(STANDARD_PORT)) {
            port = STANDARD_PORT;
            return;
        }
        startOwn();
    }

    /** Starts {@code mosquitto} on a free loopback port, its sessions and queued messages persisted in a temp folder. */
    public void startOwn() {
        port = ChildProcess.freeLoopbackPorts(1)[0];
        workDir = ChildProcess.tempDirectory("dsp-mosquitto-");
        try {
            Files.writeString(workDir.resolve("mosquitto.conf"), String.join("\n",
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous true",
                    "persistence true",
                    "persistence_location " + workDir + "/",
                    // started as root, mosquitto would drop to its own user, who cannot write here
                    "user " + System.getProperty("user.name"),
                    "log_dest stdout",
                    ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mosquitto.conf", e);
        }
        launch();
    }

    /** Stops the broker cleanly (it saves its sessions) and starts it again on the same port and folder. */
    public void restart() {
        restart(Duration.ZERO);
    }

    /** As {@link #restart()}, the broker away for {@code down} in between, as in an outage clients retry through. */
    public void restart(Duration down) {
        if (!ownProcess()) {
            throw new IllegalStateException("only a broker this harness started can be restarted");
        }
        stop();
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the broker was down", e);
        }
        launch();
    }

    private void launch() {
        Path binary = Executables.requireServer("mosquitto", "mosquitto");
        Path output = workDir.resolve("mosquitto.log");
        try {
            process = ChildProcess.startServer("mosquitto on port " + port,
                    List.of(binary.toString(), "-c", workDir.resolve("mosquitto.conf").toString()), Map.of(), output, START_TIMEOUT,
                    () -> answers(port));
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
    }

    private void stop() {
        if (process != null) {
            process.stop(STOP_TIMEOUT, STOP_TIMEOUT);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
        if (workDir != null) {
            ChildProcess.deleteRecursively(workDir);
            workDir = null;
        }
    }

    /** An MQTT 3.1.1 CONNECT with a clean session, answered with a CONNACK by a live broker. */
    static boolean answers(int port) {
        byte[] clientId = ("dsp-probe-" + ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
        byte[] connect = new byte[14 + clientId.length];
        byte[] head = {0x10, (byte) (12 + clientId.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 10, 0, (byte) clientId.length};
        System.arraycopy(head, 0, connect, 0, head.length);
        System.arraycopy(clientId, 0, connect, head.length, clientId.length);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_TIMEOUT.toMillis());
            socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(connect);
            out.flush();
            InputStream in = socket.getInputStream();
            boolean connected = in.read() == CONNACK;
            out.write(new byte[] {(byte) 0xE0, 0});
            return connected;
        } catch (IOException e) {
            return false;
        }
    }
}
