package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rag_config module's embedding_model chooses its collection's in-process model: bge-small
 * for one module, the default all-MiniLM-L6-v2 for another, and a model the platform cannot run
 * falls back to the default. Changing a module's model in its manifest rebuilds the collection
 * blue-green on the embedded store: dense search keeps answering, and afterwards every document
 * is there, in the new model.
 */
class EmbeddingModelsTest {

    @TempDir
    static Path work;

    static AppHarness app;

    static final String[][] DOCUMENTS = {
            {"compilers.txt", "A compiler translates a program written in a high-level language into machine instructions."},
            {"pancakes.txt", "The canteen serves pancakes with maple syrup on Friday mornings."},
            {"backups.txt", "Database backups are written to tape every night and kept for seven years in the vault."}};

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"));
        AppHarness.Reply created = app.send("POST", "/manifests", manifest("all-MiniLM-L6-v2"), Map.of());
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        for (String module : List.of("small", "bge", "hosted")) {
            for (String[] document : DOCUMENTS) {
                assertThat(app.postMultipart("/em/" + module + "/documents", new Multipart().file("file", document[0], "text/plain",
                        document[1].getBytes(StandardCharsets.UTF_8))).status()).isEqualTo(202);
            }
        }
        for (String module : List.of("small", "bge", "hosted")) {
            for (String[] document : DOCUMENTS) {
                IndexedDocuments.awaitFileIndexed(app, "em." + module, document[0]);
            }
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void eachModuleCollectionIsEmbeddedWithTheModelItNamesAndAModelChangeRebuildsIt() throws IOException {
        assertThat(liveModel("em.bge")).isEqualTo("bge-small-en-v15-q 384");
        assertThat(liveModel("em.small")).isEqualTo("all-minilm-l6-v2-q 384");
        assertThat(liveModel("em.hosted")).as("text-embedding-ada-002 does not run here: the default").isEqualTo("all-minilm-l6-v2-q 384");
        for (String module : List.of("small", "bge", "hosted")) {
            assertThat(denseTop(module, "how does a compiler produce machine code")).isEqualTo("compilers.txt");
        }
        assertThat(denseTop("bge", "where are the nightly backups kept")).isEqualTo("backups.txt");
        // a module's embeddings are its collection's model's: what it stores
        JsonNode bgeVectors = embeddings("bge");
        JsonNode smallVectors = embeddings("small");
        assertThat(bgeVectors.path("model").asText()).isEqualTo("bge-small-en-v15-q");
        assertThat(smallVectors.path("model").asText()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(bgeVectors.at("/embeddings/0").size()).isEqualTo(384);
        assertThat(bgeVectors.at("/embeddings/0")).isNotEqualTo(smallVectors.at("/embeddings/0"));

        AppHarness.Reply updated = app.send("PUT", "/manifests/em", manifest("BAAI/bge-small-en-v1.5"), Map.of());
        assertThat(updated.status()).as(String.valueOf(updated.body())).isEqualTo(200);
        // the first dense search after the change finds the index in the old model and starts the rebuild;
        // searches keep answering while it runs
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            denseTop("small", "what is served on Friday mornings");
            assertThat(liveModel("em.small")).isEqualTo("bge-small-en-v15-q 384");
        });
        assertThat(denseTop("small", "how does a compiler produce machine code")).isEqualTo("compilers.txt");
        assertThat(denseTop("small", "where are the nightly backups kept")).isEqualTo("backups.txt");
        assertThat(filenames(retrieve("small", "keyword", "pancakes syrup canteen compiler tape", 10)))
                .containsExactlyInAnyOrder("compilers.txt", "pancakes.txt", "backups.txt");
        try (var folders = Files.list(work.resolve("data/index/em.small"))) {
            assertThat(folders.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("LIVE", "bge-small-en-v15-q-384");
        }
    }

    private static String manifest(String smallModel) {
        return """
                {"manifest": {"project_id": "em", "project_name": "Embedding models", "environment": "development",
                  "modules": [
                    {"module_type": "rag_config", "name": "small", "version": "1",
                     "config": {"vector_store_type": "lucene", "embedding_model": "%s"}},
                    {"module_type": "rag_config", "name": "bge", "version": "1",
                     "config": {"vector_store_type": "lucene", "embedding_model": "BAAI/bge-small-en-v1.5"}},
                    {"module_type": "rag_config", "name": "hosted", "version": "1",
                     "config": {"vector_store_type": "lucene", "embedding_model": "text-embedding-ada-002"}}
                  ]}}""".formatted(smallModel);
    }

    private static JsonNode embeddings(String module) {
        AppHarness.Reply reply = app.postJson("/em/" + module + "/embeddings", Map.of("texts", List.of("tape backups in the vault")));
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        return reply.body();
    }

    private static String liveModel(String collection) throws IOException {
        return Files.readString(work.resolve("data/index").resolve(collection).resolve("LIVE")).trim();
    }

    private static String denseTop(String module, String query) {
        return filenames(retrieve(module, "dense", query, 1)).get(0);
    }

    private static JsonNode retrieve(String module, String mode, String query, int k) {
        AppHarness.Reply reply = app.postJson("/em/" + module + "/retrieve", Map.of("query", query, "mode", mode, "k", k));
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        return reply.body();
    }

    private static List<String> filenames(JsonNode response) {
        List<String> names = new ArrayList<>();
        response.path("results").forEach(result -> names.add(result.path("filename").asText()));
        return names;
    }
}
