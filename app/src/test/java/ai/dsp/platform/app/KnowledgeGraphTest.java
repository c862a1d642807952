package ai.dsp.platform.app;

import ai.dsp.platform.testing.Neo4jServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The knowledge graph through the platform's API on a real Neo4j: documents of a collection with
 * the graph on become entities and relations at ingestion, and the graph modes find the document
 * two relations away from a question that does not name what joins them, where hybrid does not.
 */
class KnowledgeGraphTest {

    private static final String COLLECTION = "kg";
    private static final String QUESTION = "Where is Project Falcon run from?";

    @TempDir
    static Path work;
    static AppHarness app;
    /** The one user the secret document's access list names; the admin is not on it. */
    static AppHarness reader;

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.graph.enabled=true",
                "--dsp.graph.uri=" + Neo4jServer.shared().boltUri(),
                "--dsp.graph.collections." + COLLECTION + "=2",
                "--dsp.collections=default," + COLLECTION + ",plain");
        List<Map<String, Object>> documents = new ArrayList<>(List.of(
                document("falcon", "Maria Keller leads Project Falcon."),
                document("oslo", "Maria Keller manages the Oslo office."),
                document("secret", "Maria Keller visits the Lisbon office.", Map.of("allowed_users", List.of(AppHarness.READER)))));
        // projects that are run from offices, which keyword and dense retrieval rank above the Oslo note
        for (String[] project : new String[][] {{"heron", "Heron", "Bergen"}, {"osprey", "Osprey", "Tromso"}, {"kestrel", "Kestrel", "Malmo"},
                {"merlin", "Merlin", "Aarhus"}, {"harrier", "Harrier", "Turku"}}) {
            documents.add(document(project[0], "Project " + project[1] + " is run from the " + project[2] + " office, where the project team works."));
        }
        assertThat(app.postJson("/api/v1/documents/text?collection=" + COLLECTION, documents).status()).isEqualTo(202);
        reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
        // the first graph write creates the schema and waits for its vector index: give it time
        IndexedDocuments.awaitAllIndexed(app, COLLECTION, documents.stream().map(d -> (String) d.get("id")).filter(id -> !id.equals("secret")).toList(),
                Duration.ofSeconds(120));
        IndexedDocuments.awaitIndexed(reader, "secret");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Map<String, Object> document(String id, String text) {
        return Map.of("id", id, "content", text);
    }

    private static Map<String, Object> document(String id, String text, Map<String, Object> metadata) {
        return Map.of("id", id, "content", text, "metadata", metadata);
    }

    private static JsonNode retrieve(String mode, int k) {
        AppHarness.Reply reply = app.postJson("/api/v1/retrieve", Map.of("query", QUESTION, "collection", COLLECTION, "k", k, "mode", mode));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        return reply.body().path("results");
    }

    private static List<String> documentIds(JsonNode results) {
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.path("document_id").asText()));
        return ids;
    }

    @Test
    void graphModeFindsTheDocumentJoinedThroughAnEntityTheQuestionDoesNotNameAndHybridDoesNot() {
        List<String> hybrid = documentIds(retrieve("hybrid", 4));
        assertThat(hybrid).contains("falcon").doesNotContain("oslo");

        JsonNode graph = retrieve("graph", 4);
        assertThat(documentIds(graph)).as(graph.toString()).containsExactly("falcon", "oslo");
        JsonNode oslo = graph.get(1);
        assertThat(oslo.path("graph_rank").asInt()).isEqualTo(2);
        assertThat(oslo.at("/graph_path/entry").asText()).isEqualTo("Project Falcon");
        assertThat(oslo.at("/graph_path/steps/0/from").asText()).isEqualTo("Maria Keller");
        assertThat(oslo.at("/graph_path/steps/0/relation").asText()).isEqualTo("lead");

        List<String> fused = documentIds(retrieve("hybrid+graph", 4));
        assertThat(fused).contains("falcon", "oslo");
    }

    @Test
    void aDocumentIsReachedThroughTheGraphOnlyByCallersItsAccessListNames() {
        assertThat(documentIds(retrieve("graph", 10))).contains("falcon", "oslo").doesNotContain("secret");
        JsonNode forReader = reader.postJson("/api/v1/retrieve", Map.of("query", QUESTION, "collection", COLLECTION, "k", 10, "mode", "graph"))
                .body().path("results");
        assertThat(documentIds(forReader)).contains("falcon", "oslo", "secret");
    }

    @Test
    void aCollectionWithoutTheGraphRefusesTheGraphModesAndItsDocumentsStayOutOfTheGraph() {
        assertThat(app.postJson("/api/v1/documents/text?collection=plain", List.of(document("plain-falcon",
                "Maria Keller leads Project Falcon."))).status()).isEqualTo(202);
        IndexedDocuments.awaitIndexed(app, "plain-falcon");

        AppHarness.Reply refused = app.postJson("/api/v1/retrieve", Map.of("query", QUESTION, "collection", "plain", "mode", "graph"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("message").asText()).contains("has no knowledge graph");
        assertThat(app.postJson("/api/v1/retrieve", Map.of("query", QUESTION, "collection", "plain", "mode", "hybrid")).status())
                .isEqualTo(200);
    }

    @Test
    void aReIngestAndADeleteThroughTheApiChangeWhatTheGraphReaches() {
        assertThat(app.postJson("/api/v1/documents/text?collection=" + COLLECTION, List.of(
                document("bridge", "Lena Holm leads Project Kite."),
                document("kite-office", "Lena Holm manages the Riga office."))).status()).isEqualTo(202);
        IndexedDocuments.awaitIndexed(app, "bridge");
        IndexedDocuments.awaitIndexed(app, "kite-office");
        JsonNode before = app.postJson("/api/v1/retrieve", Map.of("query", "Where is Project Kite run from?", "collection", COLLECTION,
                "mode", "graph")).body().path("results");
        assertThat(documentIds(before)).containsExactly("bridge", "kite-office");

        // re-ingested without the person who joined them: the office is no longer reachable
        assertThat(app.postJson("/api/v1/documents/text?collection=" + COLLECTION, List.of(
                document("bridge", "Project Kite was cancelled in May."))).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> documentIds(app.postJson("/api/v1/retrieve", Map.of("query",
                "Where is Project Kite run from?", "collection", COLLECTION, "mode", "graph")).body().path("results")).equals(List.of("bridge")));

        assertThat(app.delete("/api/v1/documents/bridge").status()).isEqualTo(200);
        assertThat(documentIds(app.postJson("/api/v1/retrieve", Map.of("query", "Where is Project Kite run from?", "collection", COLLECTION,
                "mode", "graph")).body().path("results"))).isEmpty();
    }
}
