package ai.dsp.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Prometheus (the Debian package's binary from PATH: no Maven artifact ships one) on a
 * free loopback port, scraping the given targets every second, its storage in a temp folder
 * removed on {@link #close()}. Queries go through its HTTP API, as Grafana's would.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path workDir;
    private final Path output;
    private final int port;
    private ChildProcess process;

    private PrometheusServer(Path workDir, int port) {
        this.workDir = workDir;
        this.output = workDir.resolve("prometheus.log");
        this.port = port;
    }

    /** Starts Prometheus scraping {@code metricsPath} of each {@code host:port} target as job {@code job}. */
    public static PrometheusServer start(String job, String metricsPath, List<String> targets) {
        Path binary = Executables.require("prometheus", "prometheus");
        PrometheusServer server = new PrometheusServer(ChildProcess.tempDirectory("dsp-prometheus-"), ChildProcess.freeLoopbackPorts(1)[0]);
        try {
            server.launch(binary, job, metricsPath, targets);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void launch(Path binary, String job, String metricsPath, List<String> targets) {
        Path config = workDir.resolve("prometheus.yml");
        String targetList = targets.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
        write(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    scrape_interval: 1s
                    static_configs:
                      - targets: [%s]
                """.formatted(job, metricsPath, targetList));
        process = ChildProcess.start(List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"), Map.of(), output);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!ready()) {
            if (!process.alive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Prometheus did not become ready on port " + port + ":\n" + ChildProcess.tail(output, 30));
            }
            pause(Duration.ofMillis(100));
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query's whole answer ({@code status}, {@code data.result} or {@code error}). */
    public JsonNode query(String expression) {
        return get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    }

    /** The scrape targets and their health, from {@code /api/v1/targets}. */
    public JsonNode targets() {
        return get("/api/v1/targets");
    }

    private boolean ready() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            // a bad expression is a 400 with a JSON body saying why: the caller reads it
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus at " + url() + " did not answer " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(STOP_TIMEOUT, STOP_TIMEOUT);
            process = null;
        }
        ChildProcess.deleteRecursively(workDir);
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Prometheus", e);
        }
    }
}
