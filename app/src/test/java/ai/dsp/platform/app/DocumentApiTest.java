package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The document API over HTTP: submit text and uploads, list, inspect, delete; and its errors. */
class DocumentApiTest {

    @TempDir
    static Path work;
    static AppHarness app;

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void textDocumentsAreAcceptedIndexedAndDeletable() {
        AppHarness.Reply accepted = app.postJson("/api/v1/documents/text?collection=notes", List.of(
                Map.of("id", "note-1", "content", "The cafeteria serves pancakes every Friday morning.", "filename", "menu.md",
                        "metadata", Map.of("team", "facilities", "year", 2024)),
                Map.of("content", "Badges must be worn visibly inside the laboratory.", "metadata", Map.of("team", "security"))));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("documents")).hasSize(2);
        assertThat(accepted.body().get("documents").get(0).get("id").asText()).isEqualTo("note-1");
        awaitIndexed(accepted);

        JsonNode doc = app.get("/api/v1/documents/note-1").body();
        assertThat(doc.get("status").asText()).isEqualToIgnoringCase("indexed");
        assertThat(doc.get("chunks").asInt()).isEqualTo(1);
        assertThat(doc.get("collection").asText()).isEqualTo("notes");

        JsonNode filtered = app.postJson("/api/v1/retrieve", Map.of("query", "what is served on Friday", "collection", "notes",
                "filter", Map.of("year", Map.of("gte", 2020, "lt", 2030)))).body().get("results");
        assertThat(filtered).hasSize(1);
        assertThat(filtered.get(0).get("document_id").asText()).isEqualTo("note-1");

        JsonNode page = app.get("/api/v1/documents?collection=notes&status=indexed&limit=1").body();
        assertThat(page.get("total").asInt()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(1);

        AppHarness.Reply deleted = app.delete("/api/v1/documents/note-1");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("status").asText()).isEqualToIgnoringCase("deleted");
        JsonNode afterDelete = app.postJson("/api/v1/retrieve", Map.of("query", "pancakes Friday", "collection", "notes", "mode", "keyword")).body();
        assertThat(afterDelete.get("results")).isEmpty();
        assertThat(app.delete("/api/v1/documents/note-1").status()).isEqualTo(404);
    }

    @Test
    void multipartUploadAcceptsSeveralFilesWithMetadata() {
        Multipart form = new Multipart()
                .field("collection", "uploads")
                .field("metadata", "{\"department\":\"engineering\"}")
                .file("files", "pump.pdf", "application/pdf", TestFiles.pdf(List.of("The coolant pump runs at 3000 revolutions per minute.")))
                .file("files", "valves.txt", "text/plain", "Pressure relief valves open at 8 bar.".getBytes(StandardCharsets.UTF_8));
        AppHarness.Reply accepted = app.postMultipart("/api/v1/documents", form);
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(202);
        assertThat(accepted.body().get("documents")).hasSize(2);
        awaitIndexed(accepted);

        JsonNode hit = app.postJson("/api/v1/retrieve", Map.of("query", "coolant pump speed", "collection", "uploads", "k", 1,
                "filter", Map.of("department", "engineering"))).body().get("results").get(0);
        assertThat(hit.get("filename").asText()).isEqualTo("pump.pdf");
        assertThat(hit.get("metadata").get("department").asText()).isEqualTo("engineering");
    }

    @Test
    void aCorruptUploadIsRecordedAsFailedWithItsReason() {
        AppHarness.Reply accepted = app.postMultipart("/api/v1/documents", new Multipart()
                .file("file", "broken.pdf", "application/pdf", "%PDF-1.7 this is not really a pdf".getBytes(StandardCharsets.UTF_8)));
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.body().get("documents").get(0).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equalsIgnoreCase(app.get("/api/v1/documents/" + id).body().get("status").asText()));
        assertThat(app.get("/api/v1/documents/" + id).body().get("reason").asText()).isNotBlank();
    }

    @Test
    void badRequestsGetAJsonErrorWithRequestId() {
        assertError(app.postRaw("/api/v1/retrieve", "{\"query\": ", Map.of()), 400);
        assertError(app.postJson("/api/v1/retrieve", Map.of("query", "  ")), 400);
        assertError(app.postJson("/api/v1/retrieve", Map.of("query", "x", "k", 0)), 400);
        assertError(app.postJson("/api/v1/retrieve", Map.of("query", "x", "k", 101)), 400);
        assertError(app.postJson("/api/v1/query", Map.of("query", "x", "collection", "no-such-collection")), 404);
        assertError(app.postJson("/api/v1/retrieve", Map.of("query", "x", "filter", Map.of("year", Map.of("near", 3)))), 400);
        assertError(app.get("/api/v1/documents/does-not-exist"), 404);
        assertError(app.get("/api/v1/documents?status=lost"), 400);
        assertError(app.postJson("/api/v1/documents/text", List.of()), 400);
        assertError(app.postJson("/api/v1/documents/text", List.of(Map.of("content", ""))), 400);
        assertError(app.postRaw("/api/v1/documents", "not multipart", Map.of()), 415);
    }

    @Test
    void callerRequestIdIsEchoedInErrors() {
        AppHarness.Reply reply = app.postRaw("/api/v1/retrieve", "{\"query\":\"\"}", Map.of("X-Request-Id", "trace-12345678"));
        assertThat(reply.body().get("requestId").asText()).isEqualTo("trace-12345678");
    }

    @Test
    void camelHeadersFromClientsAreIgnoredInAnyCase() {
        AppHarness.Reply reply = app.postRaw("/api/v1/retrieve", "{\"query\":\"pumps\"}",
                Map.of("CaMeLHttpResponseCode", "500", "camelBeanMethodName", "toString"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("results").isArray()).isTrue();
    }

    /** A response carries the headers the platform sets, never the caller's credentials or parameters. */
    @Test
    void requestHeadersAreNotEchoedInResponses() {
        Map<String, String> sent = Map.of("Authorization", "Bearer caller-secret", "Cookie", "session=caller-secret",
                "X-Request-Id", "trace-87654321", "X-Custom", "caller-value");
        for (AppHarness.Reply reply : List.of(
                app.postRaw("/api/v1/retrieve", "{\"query\":\"pumps\"}", sent),
                app.postRaw("/api/v1/retrieve", "{\"query\":\"\"}", sent),
                app.getWithHeaders("/api/v1/documents?collection=default&limit=5", sent),
                app.getWithHeaders("/health", sent))) {
            assertThat(reply.headers().keySet()).map(String::toLowerCase)
                    .doesNotContain("authorization", "cookie", "x-custom", "user-agent", "collection", "limit")
                    .contains("x-request-id", "content-type");
            assertThat(reply.headers().get("X-Request-Id")).containsExactly("trace-87654321");
            assertThat(reply.headers().toString()).doesNotContain("caller-secret");
        }
    }

    /** Waits on the documents' own status: other tests' queue traffic cannot satisfy it. */
    private static void awaitIndexed(AppHarness.Reply accepted) {
        accepted.body().get("documents").forEach(doc -> await().atMost(Duration.ofSeconds(60)).until(() ->
                "indexed".equalsIgnoreCase(app.get("/api/v1/documents/" + doc.get("id").asText()).body().get("status").asText())));
    }

    private static void assertError(AppHarness.Reply reply, int status) {
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(status);
        assertThat(reply.body().get("error").asText()).isNotBlank();
        assertThat(reply.body().get("message").asText()).isNotBlank();
        assertThat(reply.body().get("requestId").asText()).isNotBlank();
        assertThat(reply.body().toString()).doesNotContain("Exception").doesNotContain("at ai.dsp");
    }
}
