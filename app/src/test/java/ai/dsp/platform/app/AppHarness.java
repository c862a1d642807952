package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the real application (routes from ./routes, Lucene, ONNX model) on a free port with its
 * data and inbox in the given folders, and talks to it over HTTP like any client would.
 */
final class AppHarness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Path dataDir;
    final Path inbox;
    final int port;

    private AppHarness(ConfigurableApplicationContext context, Path dataDir, Path inbox) {
        this.context = context;
        this.dataDir = dataDir;
        this.inbox = inbox;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static AppHarness start(Path dataDir, Path inbox, String... extraProperties) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--dsp.data-dir=" + dataDir,
                "--dsp.inbox=" + inbox,
                "--dsp.ingest.min-file-age=200ms",
                "--dsp.ingest.poll-delay=100ms"));
        args.addAll(List.of(extraProperties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DspApplication.class)
                .run(args.toArray(String[]::new));
        return new AppHarness(context, dataDir, inbox);
    }

    CamelContext camel() {
        return context.getBean(CamelContext.class);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    record Reply(int status, JsonNode body, Map<String, List<String>> headers) {
    }

    Reply get(String path) {
        return getWithHeaders(path, Map.of());
    }

    Reply getWithHeaders(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    /** A GET whose body is not JSON (the metrics scrape): status, body and headers as they came. */
    HttpResponse<String> getText(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    Reply postJson(String path, Object body) {
        try {
            return postRaw(path, JSON.writeValueAsString(body), Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply postRaw(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    Reply postMultipart(String path, Multipart form) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()))
                .build());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body, response.headers().map());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
