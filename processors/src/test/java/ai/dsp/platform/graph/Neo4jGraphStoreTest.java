package ai.dsp.platform.graph;

import ai.dsp.platform.embed.InProcessModel;
import ai.dsp.platform.embed.OnnxEmbeddingModel;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.StoreUnavailableException;
import ai.dsp.platform.testing.Neo4jServer;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.exceptions.ClientException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The graph store on a real Neo4j, with the platform's own extractor and embedding model. */
class Neo4jGraphStoreTest {

    private static final AtomicInteger COLLECTIONS = new AtomicInteger();
    private static final NounPhraseExtractor EXTRACTOR = new NounPhraseExtractor();
    private static ExecutorService pool;
    private static OnnxEmbeddingModel model;
    private static Neo4jGraphStore store;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(1);
        model = new OnnxEmbeddingModel(InProcessModel.ALL_MINILM_L6_V2_Q, pool, 1);
        store = store(Neo4jServer.shared().boltUri(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        pool.shutdownNow();
    }

    private static Neo4jGraphStore store(String uri, Duration retryFor) {
        Config config = Config.builder().withConnectionTimeout(2, TimeUnit.SECONDS)
                .withMaxTransactionRetryTime(retryFor.toMillis(), TimeUnit.MILLISECONDS).build();
        GraphProperties properties = new GraphProperties(true, null, uri, null, null, null, null, null, null, null, null,
                // a budget no loaded test machine runs out of: the tests are about what is reached
                Duration.ofSeconds(30), null, null);
        return new Neo4jGraphStore(GraphDatabase.driver(uri, AuthTokens.none(), config), properties,
                names -> model.embedAll(names.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector).toList(),
                model.dimension());
    }

    private static String collection() {
        return "graph-test-" + COLLECTIONS.incrementAndGet();
    }

    private static void ingest(String collection, String documentId, List<String> acl, String... chunkTexts) {
        List<GraphChunk> chunks = new ArrayList<>();
        for (int i = 0; i < chunkTexts.length; i++) {
            chunks.add(new GraphChunk(documentId + ":" + i, i, EXTRACTOR.extract(chunkTexts[i])));
        }
        store.replaceDocument(collection, documentId, chunks, acl, List.of());
    }

    private static List<GraphHit> ask(String collection, String question, int maxHops, MetadataFilter.Access access) {
        return store.traverse(collection, EXTRACTOR.extract(question).entities(), maxHops, 10, access);
    }

    @Test
    void aQuestionReachesDocumentsThroughEntitiesItDoesNotNameAsFarAsMaxHops() {
        String c = collection();
        ingest(c, "falcon", List.of(), "Maria Keller leads Project Falcon.");
        ingest(c, "oslo", List.of(), "Maria Keller manages the Oslo office.");
        ingest(c, "street", List.of(), "The Oslo office is on Harbor Street.");
        ingest(c, "noise", List.of(), "The cafeteria serves soup on Mondays.");
        String question = "Where is Project Falcon run from?";

        // one relation away: Maria Keller, whom the Oslo document mentions
        List<GraphHit> oneHop = ask(c, question, 1, null);
        assertThat(oneHop).extracting(GraphHit::documentId).containsExactly("falcon", "oslo");
        GraphHit oslo = oneHop.get(1);
        assertThat(oslo.entry()).isEqualTo("Project Falcon");
        assertThat(oslo.path()).containsExactly(new GraphHit.Step("Maria Keller", "lead", "Project Falcon"));

        // two away: the Oslo office, which the street document mentions
        List<GraphHit> twoHops = ask(c, question, 2, null);
        assertThat(twoHops).extracting(GraphHit::documentId).containsExactly("falcon", "oslo", "street");
        assertThat(twoHops.get(2).path()).extracting(GraphHit.Step::relation).containsExactly("lead", "manage");
        assertThat(twoHops.get(1).score()).as("nearer scores higher").isGreaterThan(twoHops.get(2).score());
    }

    @Test
    void aChunkNamingTwoOfTheQuestionsEntitiesRanksAboveOneNamingManyNeighboursOfOne() {
        String c = collection();
        ExtractedGraph.Entity falcon = entity("Project Falcon");
        ExtractedGraph.Entity oslo = entity("Oslo office");
        List<ExtractedGraph.Entity> neighbours = Stream.of("granite quarry", "violin workshop", "tidal power", "sheep farm", "glass furnace",
                "rail depot", "coffee roastery", "paper mill", "salt marsh", "ski lift").map(Neo4jGraphStoreTest::entity).toList();
        List<ExtractedGraph.Entity> linked = new ArrayList<>(neighbours);
        linked.add(falcon);
        store.replaceDocument(c, "links", List.of(new GraphChunk("links:0", 0, new ExtractedGraph(linked,
                neighbours.stream().map(n -> new ExtractedGraph.Relation(falcon.key(), n.key(), "fund", 1.0)).toList()))), List.of(), List.of());
        store.replaceDocument(c, "neighbours", List.of(new GraphChunk("neighbours:0", 0, new ExtractedGraph(neighbours, List.of()))),
                List.of(), List.of());
        store.replaceDocument(c, "both", List.of(new GraphChunk("both:0", 0, new ExtractedGraph(List.of(falcon, oslo), List.of()))),
                List.of(), List.of());

        List<GraphHit> hits = store.traverse(c, List.of(falcon, oslo), 1, 10, null);

        // ten neighbours of Project Falcon, each half as strong as a named entity, would add up to more than both names
        assertThat(hits).extracting(GraphHit::documentId).containsExactly("both", "links", "neighbours");
    }

    @Test
    void aStatementTheServerEndedForItsTimeoutIsTheStoreBeingBusyAndOtherClientErrorsAreNot() {
        // the codes Neo4j 5 sends for a transaction past the client's timeout (seen after a restart on a loaded machine)
        assertThat(Neo4jGraphStore.timedOut(new ClientException("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                "The transaction has not completed within the timeout specified at its start by the client."))).isTrue();
        assertThat(Neo4jGraphStore.timedOut(new ClientException("Neo.ClientError.Transaction.TransactionTimedOut", "timed out"))).isTrue();
        assertThat(Neo4jGraphStore.timedOut(new ClientException("Neo.ClientError.Statement.SyntaxError", "Invalid input"))).isFalse();
    }

    private static ExtractedGraph.Entity entity(String name) {
        return new ExtractedGraph.Entity(name.toLowerCase(Locale.ROOT), name, "concept", 1);
    }

    @Test
    void aReIngestReplacesTheDocumentsPartAndADeleteRemovesIt() {
        String c = collection();
        ingest(c, "memo", List.of(), "Anna Berg chaired the safety board.");
        long before = store.countEntities(c);
        assertThat(ask(c, "Who chaired the safety board?", 1, null)).extracting(GraphHit::documentId).containsExactly("memo");

        ingest(c, "memo", List.of(), "Jonas Lind maintained the pilot boats.");
        assertThat(ask(c, "What does the safety board do?", 2, null)).as("the old entities left with the old text").isEmpty();
        assertThat(ask(c, "Who maintained the pilot boats?", 1, null)).extracting(GraphHit::chunkId).containsExactly("memo:0");
        assertThat(store.countEntities(c)).isEqualTo(before);

        store.deleteDocument(c, "memo");
        assertThat(store.countEntities(c)).isZero();
        assertThat(ask(c, "Who maintained the pilot boats?", 2, null)).isEmpty();
        store.deleteDocument(c, "never-ingested");
    }

    @Test
    void anEntityMentionedByTwoDocumentsStaysWhenOneGoes() {
        String c = collection();
        ingest(c, "a", List.of(), "The harbor master inspected the tugboats.");
        ingest(c, "b", List.of(), "The harbor master signed the permits.");
        store.deleteDocument(c, "a");

        assertThat(ask(c, "What does the harbor master do?", 1, null)).extracting(GraphHit::documentId).containsExactly("b");
    }

    @Test
    void variantsOfANameAreLinkedBySimilarityAndTraversedLikeARelation() {
        String c = collection();
        ingest(c, "changes", List.of(), "The bus timetable was changed in March.");
        ingest(c, "print", List.of(), "The new bus timetables were printed in April.");

        List<GraphHit> hits = ask(c, "Who changed the bus timetable?", 1, null);
        assertThat(hits).extracting(GraphHit::documentId).containsExactly("changes", "print");
        assertThat(hits.get(1).path()).extracting(GraphHit.Step::relation).containsExactly("similar_to");
    }

    @Test
    void chunksAndRelationsOfADocumentTheCallerMayNotSeeAreNotReached() {
        String c = collection();
        ingest(c, "public", List.of(), "Maria Keller leads Project Falcon.");
        ingest(c, "secret", List.of("alice"), "Maria Keller manages the Oslo office.");

        MetadataFilter.Access bob = new MetadataFilter.Access("bob", List.of(), true);
        List<GraphHit> forBob = ask(c, "Where is Project Falcon run from?", 3, bob);
        assertThat(forBob).extracting(GraphHit::documentId).containsExactly("public");

        MetadataFilter.Access alice = new MetadataFilter.Access("alice", List.of(), true);
        assertThat(ask(c, "Where is Project Falcon run from?", 3, alice)).extracting(GraphHit::documentId).contains("public", "secret");
    }

    @Test
    void anUnreachableNeo4jIsAnUnavailableStore() {
        int closedPort = ai.dsp.platform.testing.ChildProcess.freeLoopbackPorts(1)[0];
        try (Neo4jGraphStore away = store("bolt://127.0.0.1:" + closedPort, Duration.ZERO)) {
            assertThat(away.healthy()).isFalse();
            assertThatThrownBy(() -> away.deleteDocument("graph-test", "any"))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("Neo4j is unavailable");
        }
    }
}
