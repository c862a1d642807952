package ai.dsp.platform.app;

import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The index and the registry survive a restart; re-dropped files are skipped or replaced by content. */
class RestartTest {

    @TempDir
    Path work;

    @Test
    void indexSurvivesRestartUnchangedFilesAreSkippedChangedFilesReplaced() {
        Path data = work.resolve("data");
        Path inbox = work.resolve("inbox");
        byte[] stable = "The observatory dome opens at dusk.".getBytes(StandardCharsets.UTF_8);
        byte[] before = "Version one: the reactor coolant is heavy water.".getBytes(StandardCharsets.UTF_8);
        byte[] after = "Version two: the reactor coolant is liquid sodium.".getBytes(StandardCharsets.UTF_8);

        DocumentRecord firstStable;
        try (AppHarness app = AppHarness.start(data, inbox)) {
            TestFiles.drop(inbox, "stable.txt", stable);
            TestFiles.drop(inbox, "reactor.txt", before);
            awaitDone(inbox, "stable.txt");
            awaitDone(inbox, "reactor.txt");
            firstStable = onlyRecord(app, "stable.txt");
        }

        try (AppHarness app = AppHarness.start(data, inbox)) {
            assertThat(topFilename(app, "observatory dome dusk")).isEqualTo("stable.txt");

            deleteDone(inbox, "stable.txt");
            deleteDone(inbox, "reactor.txt");
            TestFiles.drop(inbox, "stable.txt", stable);
            TestFiles.drop(inbox, "reactor.txt", after);
            awaitDone(inbox, "stable.txt");
            awaitDone(inbox, "reactor.txt");
            await().atMost(Duration.ofSeconds(30)).until(() -> onlyRecord(app, "reactor.txt").contentHash() != null
                    && onlyRecord(app, "reactor.txt").status() == DocumentStatus.INDEXED
                    && keywordHits(app, "sodium").size() == 1);

            DocumentRecord againStable = onlyRecord(app, "stable.txt");
            assertThat(againStable.updatedAt()).as("unchanged content is not processed again").isEqualTo(firstStable.updatedAt());
            assertThat(keywordHits(app, "heavy water")).as("the old version's chunks are gone").isEmpty();
            assertThat(keywordHits(app, "reactor coolant")).hasSize(1);
            assertThat(app.bean(DocumentRegistry.class).list("default", null, 0, 10).total()).isEqualTo(2);
        }
    }

    private static DocumentRecord onlyRecord(AppHarness app, String filename) {
        List<DocumentRecord> records = app.bean(DocumentRegistry.class).list("default", null, 0, 100).items().stream()
                .filter(r -> r.filename().equals(filename)).toList();
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static String topFilename(AppHarness app, String query) {
        return app.postJson("/api/v1/retrieve", Map.of("query", query)).body().get("results").get(0).get("filename").asText();
    }

    private static List<JsonNode> keywordHits(AppHarness app, String query) {
        JsonNode results = app.postJson("/api/v1/retrieve", Map.of("query", query, "mode", "keyword")).body().get("results");
        return java.util.stream.StreamSupport.stream(results.spliterator(), false).toList();
    }

    private static void awaitDone(Path inbox, String name) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(".done").resolve(name))
                && !Files.exists(inbox.resolve(name)));
    }

    private static void deleteDone(Path inbox, String name) {
        try {
            Files.delete(inbox.resolve(".done").resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
