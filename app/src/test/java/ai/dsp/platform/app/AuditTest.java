package ai.dsp.platform.app;

import ai.dsp.platform.app.audit.AuditCommand;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The audit trail of a running app: one record per call, refused ones too, no secrets, an intact chain. */
class AuditTest {

    @TempDir
    static Path work;

    private static AppHarness app;
    private static Path file;

    @BeforeAll
    static void start() {
        file = work.resolve("audit.log");
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.audit.file=" + file);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyCallLeavesOneRecordWithWhoWhatAndWhichDocumentsAndNoSecret() throws Exception {
        app.postJson("/api/v1/documents/text?collection=audited", List.of(Map.of("id", "policy", "content",
                "Travel expenses are reimbursed within thirty days.")));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "INDEXED".equals(app.get("/api/v1/documents/policy").body().path("status").asText()));
        String token = app.login(AppHarness.READER, AppHarness.READER_PASSWORD);
        AppHarness reader = app.as(token);
        reader.postJson("/api/v1/retrieve", Map.of("query", "travel expenses", "collection", "audited"));
        reader.postJson("/api/v1/query", Map.of("query", "when are expenses reimbursed", "collection", "audited"));
        reader.delete("/api/v1/documents/policy");
        app.anonymous().get("/api/v1/documents");
        app.anonymous().postJson("/token", Map.of("username", "admin", "password", "wrong-password"));
        app.anonymous().get("/health");

        List<JsonNode> records = await().atMost(Duration.ofSeconds(10)).until(AuditTest::records, r -> r.stream()
                .anyMatch(record -> record.path("path").asText().equals("/token") && record.path("status").asInt() == 401));
        JsonNode retrieve = only(records, "POST", "/api/v1/retrieve");
        assertThat(retrieve.path("principal").asText()).isEqualTo(AppHarness.READER);
        assertThat(retrieve.path("status").asInt()).isEqualTo(200);
        assertThat(retrieve.path("documents")).extracting(JsonNode::asText).containsExactly("policy");
        assertThat(retrieve.path("chunks")).extracting(JsonNode::asText).contains("policy:0");
        assertThat(retrieve.path("client").asText()).isEqualTo("127.0.0.1");
        assertThat(retrieve.path("requestId").asText()).isNotBlank();
        assertThat(only(records, "POST", "/api/v1/query").path("documents")).extracting(JsonNode::asText).containsExactly("policy");
        JsonNode forbidden = only(records, "DELETE", "/api/v1/documents/policy");
        assertThat(forbidden.path("status").asInt()).isEqualTo(403);
        assertThat(forbidden.path("principal").asText()).isEqualTo(AppHarness.READER);
        assertThat(records).anySatisfy(record -> {
            assertThat(record.path("path").asText()).isEqualTo("/api/v1/documents");
            assertThat(record.path("status").asInt()).isEqualTo(401);
            assertThat(record.path("principal").isNull()).isTrue();
        });
        assertThat(records).noneMatch(record -> record.path("path").asText().equals("/health"));

        String text = Files.readString(file);
        assertThat(text).doesNotContain(token, "wrong-password", AppHarness.READER_PASSWORD, "Bearer");
        assertThat(verify()).startsWith("intact: " + records.size() + " records");
    }

    @Test
    void theVerifyCommandFindsARemovedRecord() throws Exception {
        app.get("/api/v1/documents");
        app.get("/api/v1/documents?limit=1");
        app.get("/api/v1/documents?limit=2");
        await().atMost(Duration.ofSeconds(10)).until(() -> records().size() >= 3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Path tampered = Files.write(work.resolve("tampered.log"), lines);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = AuditCommand.run(List.of("verify", tampered.toString()), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("BROKEN at line 2");
    }

    private static String verify() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = AuditCommand.run(List.of("verify", file.toString()), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<JsonNode> records() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            records.add(AppHarness.JSON.readTree(line));
        }
        return records;
    }

    private static JsonNode only(List<JsonNode> records, String method, String path) {
        List<JsonNode> matching = records.stream()
                .filter(record -> record.path("method").asText().equals(method) && record.path("path").asText().equals(path)).toList();
        assertThat(matching).as(method + " " + path).hasSize(1);
        return matching.get(0);
    }
}
