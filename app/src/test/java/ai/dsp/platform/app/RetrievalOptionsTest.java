package ai.dsp.platform.app;

import ai.dsp.platform.testing.OpenAiUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rag_config module's reranking and LLM query expansion. Reranking the fused candidates: by a
 * model server speaking the seed's rerank contract (a local HTTP server scoring the passage that
 * names the answer highest, as a cross-encoder would), and listwise by an LLM (the OpenAI test
 * double answering a ranking read from its prompt); the score threshold with
 * filter_after_reranking, and the fused order kept when the reranker fails. Expansion: the LLM's
 * versions of a query searched beside it and fused by rank.
 */
class RetrievalOptionsTest {

    @TempDir
    static Path work;

    static AppHarness app;
    static HttpServer modelServer;
    static OpenAiUpstream llm;
    static final List<JsonNode> rerankCalls = new CopyOnWriteArrayList<>();
    static final AtomicBoolean modelServerDown = new AtomicBoolean();

    @BeforeAll
    static void start() throws IOException {
        modelServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        modelServer.createContext("/rerank", exchange -> {
            JsonNode body = AppHarness.JSON.readTree(exchange.getRequestBody());
            rerankCalls.add(body);
            byte[] reply;
            int status = 200;
            if (modelServerDown.get()) {
                status = 503;
                reply = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
                // "tape" decides: the one passage that names it is the answer
                List<Double> scores = new ArrayList<>();
                body.path("texts").forEach(text -> scores.add(text.asText().contains("tape") ? 0.97 : 0.02));
                reply = AppHarness.JSON.writeValueAsBytes(Map.of("scores", scores));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        modelServer.start();
        llm = new OpenAiUpstream();
        // the ranking model puts the passage about tape first, names the one about disks second and leaves the rest out;
        // asked for versions of a question, it writes two in the tape document's words
        llm.otherwise((exchange, request, upstream) -> {
            if (request.body().at("/messages/0/content").asText().contains("versions of the user's question")) {
                OpenAiUpstream.completion("{\"queries\": [\"how many years is a tape kept\", \"vault archives\"]}").answer(exchange, request, upstream);
                return;
            }
            String prompt = request.body().at("/messages/1/content").asText();
            List<Integer> ranking = new ArrayList<>();
            String[] passages = prompt.split("\n\n");
            for (String keyword : List.of("tape", "disk")) {
                for (String passage : passages) {
                    if (passage.startsWith("[") && passage.contains(keyword)) {
                        ranking.add(Integer.parseInt(passage.substring(1, passage.indexOf(']'))));
                    }
                }
            }
            OpenAiUpstream.completion("{\"ranking\": " + ranking + "}").answer(exchange, request, upstream);
        });
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"));
        String manifest = """
                {"manifest": {"project_id": "rr", "project_name": "Reranking", "environment": "development",
                  "environments": {"development": {"urls": {"llm": "%s", "models": "%s"}, "secrets": {}}},
                  "modules": [
                    {"module_type": "model_server", "name": "scorer", "version": "1",
                     "config": {"service_url": "${environments.${environment}.urls.models}", "default_reranker_model": "ms-marco-mini",
                                "max_retries": 0}},
                    {"module_type": "inference_endpoint", "name": "ranker", "version": "1",
                     "config": {"endpoint_url": "${environments.${environment}.urls.llm}", "model_name": "rank-model", "max_retries": 0}},
                    {"module_type": "rag_config", "name": "cross", "version": "1", "dependencies": ["scorer"],
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2",
                                "reranker_enabled": true, "reranker_module": "scorer", "reranking": {"top_n": 10, "score_threshold": 0.5}}},
                    {"module_type": "rag_config", "name": "listwise", "version": "1", "dependencies": ["ranker"],
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2",
                                "reranker_module": "ranker"}},
                    {"module_type": "rag_config", "name": "expanded", "version": "1", "dependencies": ["ranker"],
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2", "query_expansion_enabled": true,
                                "query_expansion_strategy": "multi_query", "query_expansion_llm_config": "ranker",
                                "query_expansion_num_queries": 2}},
                    {"module_type": "rag_config", "name": "plain", "version": "1",
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2"}}
                  ]}}""".formatted(llm.baseUrl(), "http://127.0.0.1:" + modelServer.getAddress().getPort());
        AppHarness.Reply created = app.send("POST", "/manifests", manifest, Map.of());
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        String[][] documents = {
                {"disks.txt", "Backups of the databases are written to disks every night and the backup disks are checked weekly."},
                {"tape.txt", "Monthly archives go to tape; a tape is kept for seven years in the vault."},
                {"policy.txt", "The backup policy says which backups are kept and for how long backups are kept."},
                {"canteen.txt", "The canteen serves lunch from noon; backups of the menu are not kept."}};
        // each module is a collection of its own: the same four documents in each
        for (String module : List.of("cross", "listwise", "expanded", "plain")) {
            for (String[] document : documents) {
                assertThat(app.postMultipart("/rr/" + module + "/documents", new Multipart().file("file", document[0], "text/plain",
                        document[1].getBytes(StandardCharsets.UTF_8))).status()).isEqualTo(202);
            }
        }
        for (String module : List.of("cross", "listwise", "expanded", "plain")) {
            for (String[] document : documents) {
                IndexedDocuments.awaitFileIndexed(app, "rr." + module, document[0]);
            }
        }
    }

    @AfterAll
    static void stop() {
        app.close();
        modelServer.stop(0);
        llm.close();
    }

    @Test
    void aModelServerRerankerPutsWhatItScoresHighestFirstAndTheThresholdDropsTheRest() {
        JsonNode plain = retrieve("plain", Map.of("query", "how long are backups kept", "k", 4));
        assertThat(filenames(plain)).hasSize(4).first().isNotEqualTo("tape.txt");

        rerankCalls.clear();
        JsonNode reranked = retrieve("cross", Map.of("query", "how long are backups kept", "k", 4));
        assertThat(filenames(reranked)).containsExactly("tape.txt");
        assertThat(reranked.path("results").get(0).path("rerank_score").asDouble()).isEqualTo(0.97);
        // the seed's contract: the query, every candidate's text, the module's default model
        assertThat(rerankCalls).hasSize(1);
        assertThat(rerankCalls.get(0).path("query").asText()).isEqualTo("how long are backups kept");
        assertThat(rerankCalls.get(0).path("texts")).hasSize(4);
        assertThat(rerankCalls.get(0).path("model_name").asText()).isEqualTo("ms-marco-mini");

        JsonNode unfiltered = retrieve("cross", Map.of("query", "how long are backups kept", "k", 4, "filter_after_reranking", false));
        assertThat(filenames(unfiltered)).hasSize(4).first().isEqualTo("tape.txt");
        JsonNode off = retrieve("cross", Map.of("query", "how long are backups kept", "k", 4, "use_reranking", false));
        assertThat(filenames(off)).isEqualTo(filenames(plain));
    }

    @Test
    void anLlmRanksTheCandidatesListwiseWhenAskedAndWhatItLeavesOutIsDropped() {
        JsonNode byDefault = retrieve("listwise", Map.of("query", "how long are backups kept", "k", 4));
        assertThat(byDefault.path("results").get(0).has("rerank_score")).as("reranker_enabled is false: not reranked unless asked").isFalse();

        JsonNode reranked = retrieve("listwise", Map.of("query", "how long are backups kept", "k", 4, "use_reranking", true));
        assertThat(filenames(reranked)).containsExactly("tape.txt", "disks.txt");
        assertThat(reranked.path("results").get(0).path("rerank_score").asDouble()).isEqualTo(1.0);
        assertThat(reranked.path("results").get(1).path("rerank_score").asDouble()).isEqualTo(0.75);
        JsonNode asked = llm.lastRequest().body();
        assertThat(asked.path("model").asText()).isEqualTo("rank-model");
        assertThat(asked.at("/response_format/json_schema/name").asText()).isEqualTo("ranking");
        assertThat(asked.at("/messages/1/content").asText()).startsWith("Query: how long are backups kept").contains("[4] ");
    }

    @Test
    void aFailingRerankerKeepsTheFusedOrderAndAModuleWithoutOneRefusesToRerank() {
        JsonNode plain = retrieve("plain", Map.of("query", "how long are backups kept", "k", 3));
        modelServerDown.set(true);
        try {
            JsonNode kept = retrieve("cross", Map.of("query", "how long are backups kept", "k", 3));
            assertThat(filenames(kept)).isEqualTo(filenames(plain));
        } finally {
            modelServerDown.set(false);
        }
        AppHarness.Reply refused = app.postJson("/rr/plain/retrieve", Map.of("query", "backups", "use_reranking", true));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("message").asText()).contains("has no reranker");
    }

    @Test
    void anLlmsVersionsOfAQueryFindWhatItsOwnWordsMissAndAreFusedWithIt() {
        Map<String, Object> query = Map.of("query", "retention of magnetic media", "mode", "keyword", "k", 4);
        assertThat(filenames(retrieve("plain", query))).as("no word of the query is in any document").isEmpty();

        JsonNode expanded = retrieve("expanded", query);
        assertThat(filenames(expanded)).first().isEqualTo("tape.txt");
        // tape.txt is first in both versions' rankings: 1 / 61 + 1 / 61
        assertThat(expanded.path("results").get(0).path("score").asDouble()).isEqualTo(2.0 / 61, org.assertj.core.api.Assertions.within(1e-9));
        JsonNode asked = llm.lastRequest().body();
        assertThat(asked.at("/messages/0/content").asText()).startsWith("Write 2 different versions of the user's question");
        assertThat(asked.at("/messages/1/content").asText()).isEqualTo("retention of magnetic media");
        assertThat(asked.at("/response_format/json_schema/name").asText()).isEqualTo("queries");
    }

    private static JsonNode retrieve(String module, Map<String, Object> body) {
        AppHarness.Reply reply = app.postJson("/rr/" + module + "/retrieve", body);
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        return reply.body();
    }

    private static List<String> filenames(JsonNode response) {
        List<String> names = new ArrayList<>();
        response.path("results").forEach(result -> names.add(result.path("filename").asText()));
        return names;
    }
}
