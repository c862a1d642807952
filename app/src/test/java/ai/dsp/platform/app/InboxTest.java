package ai.dsp.platform.app;

import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bad files end in .failed/ with a reason, and everything else keeps flowing. */
class InboxTest {

    @TempDir
    static Path work;
    static AppHarness app;

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.ingest.extract.max-file-size=200KB");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void badFilesFailWithAReasonAndGoodFilesStillFlow() throws Exception {
        Map<String, byte[]> bad = Map.of(
                "empty.txt", new byte[0],
                "corrupt.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage".getBytes(StandardCharsets.US_ASCII),
                "random.bin", randomBytes(4096),
                "huge.txt", "word ".repeat(60_000).getBytes(StandardCharsets.US_ASCII),
                "blank.html", "<html><body>   </body></html>".getBytes(StandardCharsets.UTF_8));
        bad.forEach((name, content) -> TestFiles.drop(app.inbox.resolve("bad"), name, content));
        TestFiles.drop(app.inbox.resolve("bad"), "good.md", "# Lighthouse\n\nThe lighthouse lamp is replaced every spring.".getBytes(StandardCharsets.UTF_8));

        Path failed = app.inbox.resolve(".failed/bad");
        await().atMost(Duration.ofSeconds(60)).until(() -> bad.keySet().stream().allMatch(n -> Files.exists(failed.resolve(n + ".error.txt"))));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(app.inbox.resolve(".done/bad/good.md")));

        assertThat(Files.readString(failed.resolve("empty.txt.error.txt"))).contains("empty");
        assertThat(Files.readString(failed.resolve("huge.txt.error.txt"))).contains("larger than");
        assertThat(Files.readString(failed.resolve("blank.html.error.txt"))).contains("no extractable text");
        bad.keySet().forEach(name -> assertThat(failed.resolve(name)).exists());

        DocumentRegistry registry = app.bean(DocumentRegistry.class);
        List<DocumentRecord> failures = registry.list("bad", DocumentStatus.FAILED, 0, 10).items();
        assertThat(failures).hasSize(bad.size()).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
        JsonNode hit = app.postJson("/api/v1/retrieve", Map.of("query", "lighthouse lamp", "collection", "bad")).body().get("results").get(0);
        assertThat(hit.get("filename").asText()).isEqualTo("good.md");
        assertThat(hit.get("heading_path").get(0).asText()).isEqualTo("Lighthouse");
    }

    @Test
    void aFileStillBeingWrittenIsNotReadUntilComplete() throws Exception {
        Path folder = Files.createDirectories(app.inbox.resolve("slow"));
        Path file = folder.resolve("growing.txt");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("The first half mentions copper wiring.\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // several poll cycles pass while the writer keeps the file growing
            for (int i = 0; i < 6; i++) {
                await().pollDelay(Duration.ofMillis(150)).until(() -> true);
                out.write(("Line " + i + " keeps the file changing.\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(file).exists();
            }
            out.write("\nThe second half mentions aluminium busbars.".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(app.inbox.resolve(".done/slow/growing.txt")));
        JsonNode hit = app.postJson("/api/v1/retrieve", Map.of("query", "aluminium busbars", "collection", "slow", "mode", "keyword"))
                .body().get("results");
        assertThat(hit).hasSize(1);
        assertThat(hit.get(0).get("text").asText()).contains("copper wiring").contains("aluminium busbars");
    }

    @Test
    void everyOutcomeIsAnnouncedAsAnEvent() throws Exception {
        AdviceWith.adviceWith(app.camel(), "notify", route -> route.weaveAddLast().to("mock:events"));
        MockEndpoint events = app.camel().getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMinimumMessageCount(2);

        TestFiles.drop(app.inbox.resolve("events"), "ok.txt", "Ferries leave the harbour at dawn.".getBytes(StandardCharsets.UTF_8));
        TestFiles.drop(app.inbox.resolve("events"), "nothing.txt", new byte[0]);
        await().atMost(Duration.ofSeconds(30)).until(() -> eventsOf(events, "events").size() == 2);

        // other tests' late events may arrive too; only this collection's are counted
        List<JsonNode> bodies = eventsOf(events, "events");
        assertThat(bodies).extracting(b -> b.get("type").asText())
                .containsExactlyInAnyOrder("document.indexed", "document.failed");
        JsonNode failedEvent = bodies.stream().filter(b -> b.get("type").asText().equals("document.failed")).findFirst().orElseThrow();
        assertThat(failedEvent.get("error").asText()).contains("empty");
        assertThat(failedEvent.get("collection").asText()).isEqualTo("events");
        assertThat(failedEvent.has("time")).isTrue();
    }

    private static List<JsonNode> eventsOf(MockEndpoint events, String collection) {
        return events.getExchanges().stream()
                .map(e -> readJson(e.getMessage().getBody(String.class)))
                .filter(b -> collection.equals(b.get("collection").asText()))
                .toList();
    }

    private static JsonNode readJson(String text) {
        try {
            return AppHarness.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(42).nextBytes(bytes);
        return bytes;
    }
}
