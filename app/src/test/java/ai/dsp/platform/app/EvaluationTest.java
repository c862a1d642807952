package ai.dsp.platform.app;

import ai.dsp.platform.app.eval.BenchCommand;
import ai.dsp.platform.app.eval.EvalCommand;
import ai.dsp.platform.testing.Neo4jServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The evaluation on small BEIR-layout datasets, through the {@code eval} command and through the
 * admin endpoint, with the real pipeline and retrieval underneath.
 */
class EvaluationTest {

    @TempDir
    Path work;

    @Test
    void theCommandEvaluatesACorpusJsonlDatasetAndWritesTheReports() throws IOException {
        Path dataset = corpusJsonlDataset(work.resolve("mini-beir"));
        Path out = work.resolve("out");

        int exit = EvalCommand.run(List.of("--dataset", dataset.toString(), "--out", out.toString(), "--mode", "all",
                "--dsp.ingest.poll-delay=100ms"));

        assertThat(exit).isZero();
        assertThat(out.resolve("report.md")).content().contains("| keyword |", "| dense |", "| hybrid |");
        assertThat(Files.size(out.resolve("report.png"))).isGreaterThan(1000);
        JsonNode report = AppHarness.JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.path("documents").asInt()).isEqualTo(6);
        assertThat(report.path("indexed").asInt()).isEqualTo(6);
        // q4 has no judgment and is not scored
        assertThat(report.path("judgedQueries").asInt()).isEqualTo(3);
        JsonNode keyword = report.path("modes").get(0);
        assertThat(keyword.path("mode").asText()).isEqualTo("keyword");
        // each judged query's first relevant document holds its words: reciprocal rank 1
        keyword.path("queries").forEach(q -> assertThat(q.path("metrics").path("rr10").asDouble()).as(q.toString()).isEqualTo(1.0));
        // q3's second relevant document is not in the corpus: recall 1/2 for it in every mode
        report.path("modes").forEach(mode -> mode.path("queries").forEach(q -> {
            if (q.path("queryId").asText().equals("q3")) {
                assertThat(q.path("metrics").path("recall100").asDouble()).isEqualTo(0.5);
            }
        }));
    }

    @Test
    void tuningFusesTheLegsUnderEverySettingAndWritesTheBestWithItsHeldOutFigure() throws IOException {
        Path dataset = corpusJsonlDataset(work.resolve("mini-beir"));
        Path out = work.resolve("tuned");

        int exit = EvalCommand.run(List.of("--dataset", dataset.toString(), "--out", out.toString(), "--tune", "--dsp.ingest.poll-delay=100ms"));

        assertThat(exit).isZero();
        JsonNode report = AppHarness.JSON.readTree(out.resolve("report.json").toFile());
        List<String> rows = new ArrayList<>();
        report.path("modes").forEach(mode -> rows.add(mode.path("mode").asText()));
        assertThat(rows).hasSize(7).startsWith("keyword", "keyword+rm3", "dense", "hybrid", "hybrid+rm3").endsWith("hybrid tuned, two-fold held out");
        assertThat(rows.get(5)).startsWith("hybrid tuned: keyword ");
        JsonNode tuned = report.path("modes").get(5).path("mean");
        // the chosen setting is at least level with the better leg on both figures
        for (int leg = 0; leg < 3; leg++) {
            JsonNode mean = report.path("modes").get(leg).path("mean");
            assertThat(tuned.path("ndcg10").asDouble()).isGreaterThanOrEqualTo(mean.path("ndcg10").asDouble() - 1e-9);
            assertThat(tuned.path("ap").asDouble()).isGreaterThanOrEqualTo(mean.path("ap").asDouble() - 1e-9);
        }
        assertThat(report.path("modes").get(5).path("latencyP50Ms").asDouble()).isPositive();
        assertThat(out.resolve("report.md")).content().contains("Tuned over 256 settings", "| hybrid+rm3 |");
        assertThat(out.resolve("tuned.yaml")).content().contains("rag_config:", "keyword_weight:", "rrf_k_constant:", "candidate_depth:",
                "query_expansion_enabled:", "\"[NAME]\":", "keyword-weight:");
        assertThat(EvalCommand.run(List.of("--dataset", dataset.toString(), "--tune", "--mode", "hybrid"))).isEqualTo(2);
    }

    @Test
    void theBenchCommandMeasuresIngestionRetrievalAndMemoryInOneRun() throws IOException {
        Path dataset = corpusJsonlDataset(work.resolve("mini-beir"));
        Path out = work.resolve("bench");

        int exit = BenchCommand.run(List.of("--dataset", dataset.toString(), "--out", out.toString(), "--requests", "20",
                "--dsp.ingest.poll-delay=100ms", "--dsp.ingest.min-file-age=100ms"));

        assertThat(exit).isZero();
        JsonNode report = AppHarness.JSON.readTree(out.resolve("bench.json").toFile());
        assertThat(report.path("retrieve")).extracting(l -> l.path("requests").asInt()).containsExactly(20, 80, 160);
        assertThat(report.path("graph").isNull()).isTrue();
        assertThat(report.path("indexed").asInt()).isEqualTo(6);
        assertThat(report.path("chunks").asInt()).isGreaterThanOrEqualTo(6);
        assertThat(report.path("rawChunksPerSecond").asDouble()).isPositive();
        assertThat(report.path("pipelineToRaw").asDouble()).isPositive();
        assertThat(report.path("retrieve")).extracting(l -> l.path("clients").asInt()).containsExactly(1, 4, 8);
        report.path("retrieve").forEach(l -> assertThat(l.path("p99Ms").asDouble()).isGreaterThanOrEqualTo(l.path("p50Ms").asDouble()));
        assertThat(report.path("peakHeapBytes").asLong()).isPositive();
        assertThat(report.path("peakRssBytes").asLong()).isPositive();
        assertThat(out.resolve("bench.md")).content().contains("pipeline/raw", "4 clients");
        assertThat(BenchCommand.run(List.of("--dataset", dataset.toString(), "--via", "carrier-pigeon"))).isEqualTo(2);
        // a second run on the same data folder would count the first run's documents
        assertThat(BenchCommand.run(List.of("--dataset", dataset.toString(), "--out", out.toString()))).isEqualTo(2);
    }

    @Test
    void bothCommandsMeasureTheKnowledgeGraphOnACollectionOfTheirOwn() throws IOException {
        Path dataset = corpusJsonlDataset(work.resolve("mini-beir"));
        String neo4j = "--dsp.graph.uri=" + Neo4jServer.shared().boltUri();

        Path evalOut = work.resolve("eval-graph");
        assertThat(EvalCommand.run(List.of("--dataset", dataset.toString(), "--out", evalOut.toString(), "--mode", "hybrid, hybrid+graph,graph",
                "--max-hops", "1", neo4j, "--dsp.ingest.poll-delay=100ms"))).isZero();
        JsonNode evaluated = AppHarness.JSON.readTree(evalOut.resolve("report.json").toFile());
        assertThat(evaluated.path("modes")).extracting(m -> m.path("mode").asText()).containsExactly("hybrid", "hybrid+graph", "graph");
        // q2 names the HR portal, which only its judged document mentions: the graph ranks it first
        evaluated.path("modes").get(2).path("queries").forEach(q -> {
            if (q.path("queryId").asText().equals("q2")) {
                assertThat(q.path("metrics").path("rr10").asDouble()).as(q.toString()).isEqualTo(1.0);
            }
        });

        Path benchOut = work.resolve("bench-graph");
        assertThat(BenchCommand.run(List.of("--dataset", dataset.toString(), "--out", benchOut.toString(), "--requests", "5",
                "--graph-collection", "bench-graph", neo4j, "--dsp.ingest.poll-delay=100ms", "--dsp.ingest.min-file-age=100ms"))).isZero();
        JsonNode graph = AppHarness.JSON.readTree(benchOut.resolve("bench.json").toFile()).path("graph");
        assertThat(graph.path("collection").asText()).isEqualTo("bench-graph");
        assertThat(graph.path("indexed").asInt()).isEqualTo(6);
        assertThat(graph.path("toWithout").asDouble()).isPositive();
        assertThat(graph.path("retrieve")).extracting(l -> l.path("request").asText()).containsExactly("graph, max_hops 1", "graph, max_hops 2",
                "graph, max_hops 3", "hybrid+graph, max_hops 1", "hybrid+graph, max_hops 2", "hybrid+graph, max_hops 3");
        assertThat(benchOut.resolve("bench.md")).content().contains("with/without the graph", "retrieve (graph, max_hops 3, k=10), 1 client");

        assertThat(EvalCommand.run(List.of("--dataset", dataset.toString(), "--mode", "graph", "--max-hops", "4"))).isEqualTo(2);
        assertThat(BenchCommand.run(List.of("--dataset", dataset.toString(), "--graph-collection", "default"))).isEqualTo(2);
        assertThat(BenchCommand.run(List.of("--dataset", dataset.toString(), "--requests", "none"))).isEqualTo(2);
    }

    @Test
    void theCommandExplainsAMissingOrIncompleteDataset() throws IOException {
        assertThat(EvalCommand.run(List.of())).isEqualTo(2);
        Files.createDirectories(work.resolve("empty"));
        assertThat(EvalCommand.run(List.of("--dataset", work.resolve("empty").toString()))).isEqualTo(2);
        assertThat(EvalCommand.run(List.of("--dataset", corpusJsonlDataset(work.resolve("ok")).toString(), "--mode", "fuzzy"))).isEqualTo(2);
    }

    @Test
    void theAdminEndpointEvaluatesAFolderOfDocumentsAndReportsById() throws IOException {
        Path datasets = work.resolve("datasets");
        documentFolderDataset(datasets.resolve("manuals"));
        try (AppHarness app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.eval.datasets-dir=" + datasets, "--dsp.eval.reports-dir=" + work.resolve("reports"))) {
            AppHarness.Reply started = app.postJson("/api/v1/admin/evaluations", Map.of("dataset", "manuals", "mode", "hybrid"));
            assertThat(started.status()).isEqualTo(202);
            String id = started.body().path("id").asText();

            await().atMost(Duration.ofMinutes(2)).until(() -> app.get("/api/v1/admin/evaluations/" + id).body()
                    .path("status").asText().matches("done|failed"));
            JsonNode job = app.get("/api/v1/admin/evaluations/" + id).body();
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("done");
            assertThat(job.path("report").path("modes")).hasSize(1);
            assertThat(job.path("report").path("modes").get(0).path("mean").path("rr10").asDouble()).isEqualTo(1.0);
            assertThat(work.resolve("reports").resolve(id).resolve("report.json")).exists();

            assertThat(app.postJson("/api/v1/admin/evaluations", Map.of("dataset", "../datasets")).status()).isEqualTo(400);
            assertThat(app.postJson("/api/v1/admin/evaluations", Map.of("dataset", "absent")).status()).isEqualTo(400);
            AppHarness.Reply unknown = app.get("/api/v1/admin/evaluations/no-such-id");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.body().path("requestId").asText()).isNotBlank();
        }
    }

    private static Path corpusJsonlDataset(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("qrels"));
        List<String> corpus = new ArrayList<>();
        corpus.add(doc("d1", "Turbine maintenance", "The blade root bolts of the wind turbine are tightened to 45 newton metres."));
        corpus.add(doc("d2", "Gearbox oil", "Inspect the gearbox oil of the turbine every six months."));
        corpus.add(doc("d3", "Payroll", "Salaries are paid on the last working day of each month."));
        corpus.add(doc("d4", "Holidays", "Holiday requests go through the HR portal two weeks ahead."));
        corpus.add(doc("d5", "Compilers", "A parser turns source code into an abstract syntax tree for the compiler."));
        corpus.add(doc("d6", "Networks", "Routers forward packets between networks using routing tables."));
        Files.write(dir.resolve("corpus.jsonl"), corpus);
        Files.write(dir.resolve("queries.jsonl"), List.of(
                "{\"_id\": \"q1\", \"text\": \"blade root bolts torque\"}",
                "{\"_id\": \"q2\", \"text\": \"holiday requests HR portal\"}",
                "{\"_id\": \"q3\", \"text\": \"parser abstract syntax tree\"}",
                "{\"_id\": \"q4\", \"text\": \"not judged\"}"));
        Files.write(dir.resolve("qrels").resolve("test.tsv"), List.of("query-id\tcorpus-id\tscore",
                "q1\td1\t2", "q1\td2\t1", "q2\td4\t1", "q2\td3\t0", "q3\td5\t1", "q3\tmissing-doc\t1"));
        return dir;
    }

    private static void documentFolderDataset(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("docs").resolve("M-1.html"), "<html><pre>Zephyr turbine: tighten the blade root bolts to 45 Nm.</pre></html>");
        Files.writeString(dir.resolve("docs").resolve("M-2.txt"), "Aurora report: revenue grew by twelve percent in the third quarter.");
        Files.writeString(dir.resolve("docs").resolve("M-3.md"), "# Canteen\nThe canteen opens at noon and closes at three.");
        Files.write(dir.resolve("queries.jsonl"), List.of(
                "{\"_id\": \"1\", \"text\": \"blade root bolts\"}",
                "{\"_id\": \"2\", \"text\": \"Aurora revenue growth\"}"));
        Files.write(dir.resolve("qrels").resolve("test.tsv"), List.of("query-id\tcorpus-id\tscore", "1\tM-1\t1", "2\tM-2\t1"));
    }

    private static String doc(String id, String title, String text) {
        return "{\"_id\": \"" + id + "\", \"title\": \"" + title + "\", \"text\": \"" + text + "\"}";
    }
}
