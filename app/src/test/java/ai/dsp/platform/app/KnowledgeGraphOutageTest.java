package ai.dsp.platform.app;

import ai.dsp.platform.testing.Neo4jServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Neo4j going away pauses the ingestion of a graph collection as an unavailable chunk store
 * does: the document waits, nothing is failed or lost, and once Neo4j is back it is indexed and
 * in the graph; collections without the graph go on meanwhile. A Neo4j of this test's own, so
 * that it may stop it.
 */
class KnowledgeGraphOutageTest {

    @TempDir
    static Path work;
    static Neo4jServer neo4j;
    static AppHarness app;

    @BeforeAll
    static void start() {
        neo4j = new Neo4jServer();
        neo4j.start();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.graph.enabled=true", "--dsp.graph.uri=" + neo4j.boltUri(), "--dsp.graph.collections.outage=1",
                "--dsp.collections=default,outage");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (neo4j != null) {
            neo4j.close();
        }
    }

    @Test
    void aDocumentWaitsWhileNeo4jIsAwayAndIsIndexedIntoTheGraphOnceItIsBack() {
        assertThat(app.postJson("/api/v1/documents/text?collection=outage", List.of(Map.of("id", "before",
                "content", "Ines Moreau leads Project Tern."))).status()).isEqualTo(202);
        IndexedDocuments.awaitIndexed(app, "before");
        assertThat(app.postJson("/api/v1/documents/text?collection=default", List.of(Map.of("id", "no-graph",
                "content", "A note in a collection without the graph."))).status()).isEqualTo(202);
        IndexedDocuments.awaitIndexed(app, "no-graph");

        neo4j.stop();
        assertThat(app.delete("/api/v1/documents/no-graph").status()).as("a collection without the graph does not wait for Neo4j")
                .isEqualTo(200);
        assertThat(app.postJson("/api/v1/documents/text?collection=outage", List.of(Map.of("id", "during",
                "content", "Ines Moreau manages the Lyon office."))).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DEGRADED".equals(app.get("/health").body().at("/graph/status").asText()));
        // held, neither failed nor indexed without its graph
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() ->
                !List.of("INDEXED", "FAILED").contains(app.get("/api/v1/documents/during").body().path("status").asText()));

        neo4j.start();
        IndexedDocuments.awaitIndexed(app, "during");
        List<String> reached = app.postJson("/api/v1/retrieve", Map.of("query", "Where is Project Tern run from?", "collection", "outage",
                "mode", "graph")).body().findValuesAsText("document_id");
        assertThat(reached).containsExactly("before", "during");
        assertThat(app.get("/health").body().at("/graph/status").asText()).isEqualTo("UP");
    }
}
