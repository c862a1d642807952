package ai.dsp.platform.app;

import ai.dsp.platform.testing.Neo4jServer;
import ai.dsp.platform.testing.OpenAiUpstream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final String ANSWER_MODEL = "answer-model";
    private static final Pattern SOURCE_NUMBER = Pattern.compile("^\\[(\\d+)\\] ");

    @TempDir
    static Path work;
    static AppHarness app;
    /** The chat model answering /query: it reads its prompt's numbered sources and cites those that state the facts asked about. */
    static OpenAiUpstream answerModel;
    /** The one user the secret document's access list names; the admin is not on it. */
    static AppHarness reader;

    @BeforeAll
    static void start() {
        answerModel = new OpenAiUpstream().otherwise(citingTheSourcesThatState("leads Project Falcon", "manages the Oslo office"));
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.answer.llm.base-url=" + answerModel.baseUrl(), "--dsp.answer.llm.model=" + ANSWER_MODEL,
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
        if (answerModel != null) {
            answerModel.close();
        }
    }

    /**
     * A model that answers from its prompt as the platform's template asks: one sentence per fact
     * with the number of the source block ({@code [n] (filename)} then the passage) that states
     * it; facts no source states are left out.
     */
    private static OpenAiUpstream.Behaviour citingTheSourcesThatState(String... facts) {
        return (exchange, request, upstream) -> {
            JsonNode messages = request.body().path("messages");
            String[] blocks = messages.get(messages.size() - 1).path("content").asText().split("(?m)^(?=\\[\\d+\\] )");
            StringBuilder answer = new StringBuilder();
            for (String fact : facts) {
                for (String block : blocks) {
                    Matcher number = SOURCE_NUMBER.matcher(block);
                    if (number.find() && block.contains(fact)) {
                        answer.append("Maria Keller ").append(fact).append(" [").append(number.group(1)).append("]. ");
                    }
                }
            }
            OpenAiUpstream.completion(answer.isEmpty() ? "The indexed documents do not answer this question." : answer.toString().strip())
                    .answer(exchange, request, upstream);
        };
    }

    /** The documents an answer's [n] citations name. */
    private static List<String> citedDocuments(JsonNode answer) {
        List<String> cited = new ArrayList<>();
        answer.path("citations").forEach(n -> cited.add(answer.path("sources").get(n.asInt() - 1).path("document_id").asText()));
        return cited;
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

        // an answer's sources carry the path that reached them
        JsonNode answer = app.postJson("/api/v1/query", Map.of("query", QUESTION, "collection", COLLECTION, "k", 4, "mode", "graph")).body();
        JsonNode sources = answer.path("sources");
        assertThat(sources.findValuesAsText("document_id")).containsExactly("falcon", "oslo");
        assertThat(sources.get(1).at("/graph_path/steps/0/to").asText()).isEqualTo("Project Falcon");
    }

    @Test
    void aQuestionThatNeedsTwoDocumentsIsAnsweredByTheModelWithBothCited() {
        JsonNode answer = app.postJson("/api/v1/query", Map.of("query", QUESTION, "collection", COLLECTION, "k", 4, "mode", "hybrid+graph")).body();

        String prompt = answerModel.lastRequest().body().at("/messages/1/content").asText();
        assertThat(prompt).contains("Maria Keller leads Project Falcon.", "Maria Keller manages the Oslo office.");
        assertThat(answer.path("generator").asText()).as(answer.toString()).isEqualTo(ANSWER_MODEL);
        assertThat(answer.path("answer").asText()).contains("manages the Oslo office");
        assertThat(citedDocuments(answer)).containsExactlyInAnyOrder("falcon", "oslo");
        answer.path("sources").forEach(source -> {
            if (source.path("document_id").asText().equals("oslo")) {
                assertThat(source.at("/graph_path/entry").asText()).isEqualTo("Project Falcon");
            }
        });

        // without the graph the model is never shown the Oslo note, so it cannot say where the project is run from
        JsonNode hybrid = app.postJson("/api/v1/query", Map.of("query", QUESTION, "collection", COLLECTION, "k", 4, "mode", "hybrid")).body();
        assertThat(answerModel.lastRequest().body().at("/messages/1/content").asText()).doesNotContain("Oslo office");
        assertThat(citedDocuments(hybrid)).containsExactly("falcon");
    }

    @Test
    void aRequestsMaxHopsNarrowsTheTraversalAndCannotWidenIt() {
        List<Map<String, Object>> chain = List.of(document("tern-lead", "Ivo Berg leads Project Tern."),
                document("tern-mentor", "Ivo Berg manages Olga Dahl."), document("tern-office", "Olga Dahl manages the Vaasa office."));
        assertThat(app.postJson("/api/v1/documents/text?collection=" + COLLECTION, chain).status()).isEqualTo(202);
        IndexedDocuments.awaitAllIndexed(app, COLLECTION, List.of("tern-lead", "tern-mentor", "tern-office"), Duration.ofSeconds(60));
        String question = "Where is Project Tern run from?";

        Map<String, Object> oneHop = Map.of("query", question, "collection", COLLECTION, "mode", "graph", "max_hops", 1);
        assertThat(documentIds(app.postJson("/api/v1/retrieve", oneHop).body().path("results")))
                .containsExactlyInAnyOrder("tern-lead", "tern-mentor");
        // the collection's own bound (2) reaches the office through the person one relation further
        assertThat(documentIds(app.postJson("/api/v1/retrieve", Map.of("query", question, "collection", COLLECTION, "mode", "graph"))
                .body().path("results"))).containsExactlyInAnyOrder("tern-lead", "tern-mentor", "tern-office");

        AppHarness.Reply wider = app.postJson("/api/v1/retrieve", Map.of("query", question, "collection", COLLECTION, "mode", "hybrid+graph",
                "max_hops", 3));
        assertThat(wider.status()).isEqualTo(400);
        assertThat(wider.body().path("message").asText()).contains("the collection's max_hops (2)");
    }

    @Test
    void healthReportsTheGraph() {
        assertThat(app.get("/health").body().at("/graph/status").asText()).isEqualTo("UP");
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

    @Test
    void aManifestInTheSeedsKnowledgeGraphFormatTurnsTheGraphOnForItsModuleThroughTheFrontDoor() {
        String manifest = """
                {"manifest": {"project_id": "kgdemo", "project_name": "Knowledge graph demo", "environment": "development",
                  "environments": {"development": {"secrets": {}}},
                  "modules": [
                    {"module_type": "rag_config", "name": "research", "version": "1",
                     "config": {"vector_store_type": "neo4j_knowledge_graph", "embedding_model": "all-MiniLM-L6-v2",
                                "vector_store": {"type": "neo4j_knowledge_graph", "neo4j_uri": "%s", "neo4j_user": "neo4j",
                                                 "neo4j_password": "${NEO4J_PASSWORD}", "neo4j_database": "neo4j"},
                                "extraction_prompt": "Extract the people, projects and offices and how they are related.",
                                "retrieval_strategy": "graph_traversal", "max_hops": 1}}
                  ]}}""".formatted(Neo4jServer.shared().boltUri());
        AppHarness.Reply created = app.send("POST", "/manifests", manifest, Map.of());
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        for (String[] file : new String[][] {{"lead.txt", "Sara Lind leads Project Gannet."}, {"desk.txt", "Sara Lind manages the Porto office."}}) {
            AppHarness.Reply uploaded = app.postMultipart("/kgdemo/research/documents", new Multipart()
                    .file("file", file[0], "text/plain", file[1].getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(uploaded.status()).as(String.valueOf(uploaded.body())).isEqualTo(202);
            IndexedDocuments.awaitFileIndexed(app, "kgdemo.research", file[0]);
        }

        // the module's retrieval_strategy makes hybrid+graph its mode
        AppHarness.Reply retrieved = app.postJson("/kgdemo/research/retrieve", Map.of("query", "Where is Project Gannet run from?"));
        assertThat(retrieved.status()).as(String.valueOf(retrieved.body())).isEqualTo(200);
        assertThat(retrieved.body().path("mode").asText()).isEqualTo("hybrid+graph");
        List<String> files = new ArrayList<>();
        retrieved.body().path("results").forEach(r -> files.add(r.path("filename").asText()));
        assertThat(files).contains("lead.txt", "desk.txt");
        JsonNode desk = null;
        for (JsonNode result : retrieved.body().path("results")) {
            if (result.path("filename").asText().equals("desk.txt")) {
                desk = result;
            }
        }
        assertThat(desk.at("/graph_path/entry").asText()).as(retrieved.body().toString()).isEqualTo("Project Gannet");
        assertThat(desk.at("/graph_path/steps/0/relation").asText()).isEqualTo("lead");
    }

    @Test
    void aModuleNamingAnExtractionModelHasItsChunksAndQuestionsReadByThatModelWithItsPrompt() {
        Map<String, String> graphs = Map.of(
                "The Juniper plan belongs to Tomas Ek.", """
                        {"entities": [{"name": "Juniper plan", "type": "project"}, {"name": "Tomas Ek", "type": "person"}],
                         "relations": [{"source": "Tomas Ek", "target": "Juniper plan", "type": "OWNER OF"}]}""",
                "Tomas Ek sits in Gdansk.", """
                        {"entities": [{"name": "Tomas Ek", "type": "person"}, {"name": "Gdansk", "type": "place"}],
                         "relations": [{"source": "Tomas Ek", "target": "Gdansk", "type": "sits in"}]}""",
                "Where is the Juniper plan run from?", """
                        {"entities": [{"name": "Juniper plan", "type": "project"}], "relations": []}""");
        try (OpenAiUpstream llm = new OpenAiUpstream()) {
            llm.otherwise((exchange, request, upstream) -> {
                JsonNode messages = request.body().path("messages");
                String text = messages.get(messages.size() - 1).path("content").asText();
                OpenAiUpstream.completion(graphs.getOrDefault(text, "{\"entities\": [], \"relations\": []}")).answer(exchange, request, upstream);
            });
            String manifest = """
                    {"manifest": {"project_id": "kgllm", "project_name": "Graph by an LLM", "environment": "development",
                      "environments": {"development": {"urls": {"llm": "%s"}, "secrets": {}}},
                      "modules": [
                        {"module_type": "inference_endpoint", "name": "extractor", "version": "1",
                         "config": {"endpoint_url": "${environments.${environment}.urls.llm}", "model_name": "graph-model", "max_retries": 0}},
                        {"module_type": "rag_config", "name": "notes", "version": "1", "dependencies": ["extractor"],
                         "config": {"vector_store_type": "neo4j_knowledge_graph", "embedding_model": "all-MiniLM-L6-v2",
                                    "kg_llm_config_name": "extractor", "extraction_prompt": "Find the people, plans and places.", "max_hops": 1}}
                      ]}}""".formatted(llm.baseUrl());
            AppHarness.Reply created = app.send("POST", "/manifests", manifest, Map.of());
            assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
            for (String[] file : new String[][] {{"plan.txt", "The Juniper plan belongs to Tomas Ek."}, {"seat.txt", "Tomas Ek sits in Gdansk."}}) {
                assertThat(app.postMultipart("/kgllm/notes/documents", new Multipart()
                        .file("file", file[0], "text/plain", file[1].getBytes(java.nio.charset.StandardCharsets.UTF_8))).status()).isEqualTo(202);
                IndexedDocuments.awaitFileIndexed(app, "kgllm.notes", file[0]);
            }

            JsonNode results = app.postJson("/kgllm/notes/retrieve", Map.of("query", "Where is the Juniper plan run from?", "mode", "graph"))
                    .body().path("results");
            List<String> files = new ArrayList<>();
            results.forEach(r -> files.add(r.path("filename").asText()));
            assertThat(files).as(results.toString()).containsExactly("plan.txt", "seat.txt");
            assertThat(results.get(1).at("/graph_path/steps/0/relation").asText()).isEqualTo("owner_of");
            assertThat(llm.requests()).hasSize(3).allSatisfy(request -> {
                assertThat(request.body().at("/response_format/type").asText()).isEqualTo("json_schema");
                assertThat(request.body().at("/response_format/json_schema/strict").asBoolean()).isTrue();
                assertThat(request.body().at("/messages/0/content").asText()).startsWith("Find the people, plans and places.");
                assertThat(request.body().path("model").asText()).isEqualTo("graph-model");
            });
        }
    }
}
