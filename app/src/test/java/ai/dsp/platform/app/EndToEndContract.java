package ai.dsp.platform.app;

import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The main job end to end: real files dropped into the inbox become answerable with citations.
 * The same assertions hold for every chunk store; a subclass names the store's settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EndToEndContract {

    AppHarness app;

    final List<String> cacmIds = new ArrayList<>();

    /** Command-line settings that select and configure the store under test. */
    abstract List<String> storeSettings();

    @BeforeAll
    void startAndDrop(@TempDir Path work) {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), storeSettings().toArray(String[]::new));
        for (int n = 1400; n < 1430; n++) {
            cacmIds.add("CACM-" + n);
        }
        cacmIds.addAll(List.of("CACM-1572", "CACM-1605", "CACM-3068"));
        cacmIds.forEach(id -> TestFiles.drop(app.inbox, id + ".html", TestFiles.cacm(id)));
        TestFiles.drop(app.inbox.resolve("manuals"), "turbine.pdf", TestFiles.pdf(List.of(
                "Zephyr wind turbine maintenance manual.",
                "The blade root bolts must be tightened to a torque of 45 newton metres.",
                "Inspect the gearbox oil every six months.")));
        TestFiles.drop(app.inbox.resolve("manuals"), "aurora.docx", TestFiles.docx(List.of(
                "Aurora project quarterly report.",
                "Revenue of the Aurora project grew by twelve percent in the third quarter.")));
        awaitInboxEmpty();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    void awaitInboxEmpty() {
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            try (var files = Files.walk(app.inbox)) {
                return files.filter(Files::isRegularFile)
                        .noneMatch(p -> !app.inbox.relativize(p).toString().startsWith("."));
            }
        });
    }

    @Test
    void everyDroppedFileIsIndexedAndMovedToDone() {
        DocumentRegistry registry = app.bean(DocumentRegistry.class);
        assertThat(registry.list("default", DocumentStatus.INDEXED, 0, 100).total()).isEqualTo(cacmIds.size());
        assertThat(registry.list("manuals", DocumentStatus.INDEXED, 0, 100).total()).isEqualTo(2);
        assertThat(app.inbox.resolve(".done/CACM-1410.html")).exists();
        assertThat(app.inbox.resolve(".done/manuals/turbine.pdf")).exists();
        assertThat(app.inbox.resolve(".failed")).doesNotExist();
    }

    @Test
    void hybridRetrievalRanksTheRelevantCacmDocumentFirst() {
        JsonNode results = retrieve(Map.of("query", "interarrival statistics of time sharing systems", "k", 5)).body().get("results");
        assertThat(results.get(0).get("filename").asText()).isEqualTo("CACM-1410.html");
        assertThat(results.get(0).get("keyword_rank").asInt()).isEqualTo(1);
        assertThat(results.get(0).has("dense_rank")).isTrue();

        JsonNode simulation = retrieve(Map.of("query", "simulating large time-sharing systems for computation center management")).body().get("results");
        assertThat(simulation.get(0).get("filename").asText()).isEqualTo("CACM-1572.html");
    }

    @Test
    void eachModeAndFilterWorks() {
        for (String mode : List.of("keyword", "dense", "hybrid")) {
            JsonNode body = retrieve(Map.of("query", "blade root bolt torque", "collection", "manuals", "mode", mode, "k", 1)).body();
            assertThat(body.get("mode").asText()).isEqualTo(mode);
            assertThat(body.get("results").get(0).get("filename").asText()).as(mode).isEqualTo("turbine.pdf");
        }
        JsonNode filtered = retrieve(Map.of("query", "time sharing", "k", 10,
                "filter", Map.of("filename", Map.of("in", List.of("CACM-1605.html", "CACM-3068.html"))))).body().get("results");
        assertThat(filtered).isNotEmpty();
        filtered.forEach(r -> assertThat(r.get("filename").asText()).isIn("CACM-1605.html", "CACM-3068.html"));
    }

    @Test
    void queryAnswersFromTheDocumentWithACitation() {
        AppHarness.Reply reply = app.postJson("/api/v1/query",
                Map.of("query", "What torque must the blade root bolts be tightened to?", "collection", "manuals", "k", 3));
        assertThat(reply.status()).isEqualTo(200);
        String answer = reply.body().get("answer").asText();
        assertThat(answer).contains("45 newton metres").containsPattern("\\[\\d+]");
        int cited = reply.body().get("citations").get(0).asInt();
        assertThat(reply.body().get("sources").get(cited - 1).get("filename").asText()).isEqualTo("turbine.pdf");
        assertThat(reply.body().get("generator").asText()).isEqualTo("extractive");
    }

    @Test
    void docxContentIsAnswerable() {
        JsonNode top = retrieve(Map.of("query", "Aurora revenue growth third quarter", "collection", "manuals", "k", 1)).body().get("results").get(0);
        assertThat(top.get("filename").asText()).isEqualTo("aurora.docx");
        assertThat(top.get("text").asText()).contains("twelve percent");
    }

    @Test
    void healthReportsStoreAndIngestion() {
        AppHarness.Reply health = app.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").asText()).isEqualTo("UP");
        assertThat(health.body().get("store").get("chunks").get("manuals").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(health.body().get("ingestion").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void openApiDocumentDescribesTheApi() {
        AppHarness.Reply api = app.get("/api/openapi.json");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.body().get("paths").fieldNames()).toIterable()
                .contains("/api/v1/retrieve", "/api/v1/query", "/api/v1/documents", "/api/v1/documents/{id}");
    }

    private AppHarness.Reply retrieve(Map<String, Object> request) {
        AppHarness.Reply reply = app.postJson("/api/v1/retrieve", request);
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        return reply;
    }
}
