package ai.dsp.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Redis for integration tests. No Maven artifact ships one, so: the server on the standard
 * loopback port when one answers, else {@code redis-server} from PATH on a free port with a
 * temporary folder, removed afterwards. Tests keep apart by key prefixes and channel names of
 * their own, so sharing the machine's server is safe.
 */
public final class RedisServer implements AutoCloseable {

    public static final int STANDARD_PORT = 6379;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(500);

    private static final SharedServer<RedisServer> SHARED = new SharedServer<>("Redis server", RedisServer::new, RedisServer::start);

    private int port;
    private Path workDir;
    private ChildProcess process;

    /** The Redis shared by all tests of this JVM, found or started on first use. */
    public static RedisServer shared() {
        return SHARED.get();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** True when this harness started the server itself (none answered on the standard port). */
    public boolean ownProcess() {
        return process != null;
    }

    private void start() {
        if (answers(STANDARD_PORT)) {
            port = STANDARD_PORT;
            return;
        }
        startOwn(Executables.require("redis-server", "redis-server"));
    }

    /** Starts {@code redis-server} on a free loopback port, persisting nothing. */
    void startOwn(Path binary) {
        port = ChildProcess.freeLoopbackPorts(1)[0];
        workDir = ChildProcess.tempDirectory("dsp-redis-");
        Path output = workDir.resolve("redis.log");
        try {
            process = ChildProcess.startServer("redis-server on port " + port, List.of(binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--dir", workDir.toString(), "--save", "", "--appendonly", "no"), Map.of(), output, START_TIMEOUT,
                    () -> answers(port));
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(STOP_TIMEOUT, STOP_TIMEOUT);
            process = null;
        }
        if (workDir != null) {
            ChildProcess.deleteRecursively(workDir);
            workDir = null;
        }
    }

    /** A PING in Redis's inline protocol, answered {@code +PONG} by a live server. */
    static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PING_TIMEOUT.toMillis());
            socket.setSoTimeout((int) PING_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }
}
