package ai.dsp.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real S3-compatible server (Adobe S3Mock, its Spring Boot jar from Maven Central, copied by
 * the build to {@code -Ddsp.test.s3mock.jar}) as a child JVM on a free loopback port, with its
 * objects in a temp folder that a restart keeps. It checks no signature: any access key works.
 */
public final class S3MockServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final int[] ports = ChildProcess.freeLoopbackPorts(2);
    private final Path workDir = ChildProcess.tempDirectory("dsp-s3mock-");
    private final Path log = workDir.resolve("s3mock.log");
    private final String bucket;
    private ChildProcess process;

    /** @param bucket a bucket that exists from the first start on */
    public S3MockServer(String bucket) {
        this.bucket = bucket;
    }

    public String url() {
        return "http://127.0.0.1:" + ports[0];
    }

    /** Starts the server (again, with its objects) and returns once it answers; no-op if it runs. */
    public synchronized void start() {
        if (process != null && process.alive()) {
            return;
        }
        Path jar = Path.of(System.getProperty("dsp.test.s3mock.jar", "app/target/s3mock/s3mock.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Mock jar at " + jar + ": run the tests through Maven, which copies it there");
        }
        process = ChildProcess.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--com.adobe.testing.s3mock.http-port=" + ports[0],
                "--server.port=" + ports[1],
                "--server.address=127.0.0.1",
                "--com.adobe.testing.s3mock.store.root=" + workDir.resolve("store"),
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
                "--com.adobe.testing.s3mock.store.initial-buckets=" + bucket), Map.of(), log);
        awaitAnswering();
    }

    /** Stops the server as an outage would; its objects stay on disk. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(5), STOP_TIMEOUT);
            process = null;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(workDir);
    }

    private void awaitAnswering() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/" + bucket)).timeout(Duration.ofSeconds(2)).GET().build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for S3Mock", e);
            }
            if (!process.alive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("S3Mock at " + url() + " did not answer; its output:\n" + ChildProcess.tail(log, 40));
            }
            process.awaitExit(Duration.ofMillis(250));
        }
    }
}
