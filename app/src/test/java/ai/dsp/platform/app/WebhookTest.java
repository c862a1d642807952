package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every document outcome is POSTed as JSON to the configured webhook, a real HTTP server here. */
class WebhookTest {

    @TempDir
    static Path work;
    static HttpServer receiver;
    static final BlockingQueue<Received> RECEIVED = new LinkedBlockingQueue<>();
    static AppHarness app;

    record Received(String method, String contentType, String body) {
    }

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/dsp", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                RECEIVED.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.notify.webhook-url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/dsp");
    }

    @AfterAll
    static void stop() {
        app.close();
        receiver.stop(0);
    }

    @Test
    void indexedFailedAndDeletedDocumentsAreAnnounced() throws Exception {
        // the webhook calls run on wire-tapped exchanges, so the condition names the webhook endpoint
        NotifyBuilder announced = new NotifyBuilder(app.camel())
                .wereSentTo("http://127.0.0.1:" + receiver.getAddress().getPort() + "/*").whenDone(3).create();

        assertThat(app.postJson("/api/v1/documents/text", List.of(
                Map.of("id", "hook-ok", "content", "Webhooks announce every document outcome.", "filename", "ok.txt"))).status())
                .isEqualTo(202);
        AppHarness.Reply corrupt = app.postMultipart("/api/v1/documents", new Multipart()
                .file("file", "broken.pdf", "application/pdf", "%PDF-1.7 this is not a PDF".getBytes(StandardCharsets.US_ASCII)));
        assertThat(corrupt.status()).isEqualTo(202);
        String corruptId = corrupt.body().get("documents").get(0).get("id").asText();
        awaitStatus("hook-ok", "indexed");
        awaitStatus(corruptId, "failed");
        assertThat(app.delete("/api/v1/documents/hook-ok").status()).isEqualTo(200);

        assertThat(announced.matches(60, TimeUnit.SECONDS)).isTrue();
        Map<String, JsonNode> byType = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Received received = RECEIVED.poll(10, TimeUnit.SECONDS);
            assertThat(received).as("webhook call %d", i + 1).isNotNull();
            assertThat(received.method()).isEqualTo("POST");
            assertThat(received.contentType()).startsWith("application/json");
            JsonNode event = AppHarness.JSON.readTree(received.body());
            byType.put(event.get("type").asText() + "/" + event.get("documentId").asText(), event);
        }
        assertThat(byType).containsOnlyKeys("document.indexed/hook-ok", "document.failed/" + corruptId, "document.deleted/hook-ok");
        assertThat(byType.get("document.indexed/hook-ok").get("chunks").asInt()).isEqualTo(1);
        assertThat(byType.get("document.failed/" + corruptId).get("error").asText()).isNotBlank();
        assertThat(byType.get("document.deleted/hook-ok").get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(app.get("/api/v1/documents/" + id).body().get("status").asText()).isEqualToIgnoringCase(status));
    }
}
