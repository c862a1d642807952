package ai.dsp.platform.app.eval;

import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.ingest.Chunker;
import ai.dsp.platform.ingest.TextChunk;
import ai.dsp.platform.ingest.TikaExtractor;
import ai.dsp.platform.store.StoreArguments;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.web.context.WebServerApplicationContext;
import ai.dsp.platform.auth.token.TokenService;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code java -jar app.jar bench --dataset DIR [--out DIR] [--via inbox|kafka] [--requests N]
 * [--graph-collection NAME] [--any.setting=value ...]}: speed and memory on a BEIR-layout
 * dataset, all in one run so the ratios hold on a noisy machine. The corpus goes through the drop
 * folder (or, with {@code --via kafka}, as document messages on {@code dsp.kafka.documents-topic})
 * until every document is indexed or failed; the raw model then embeds the same chunks; retrieval
 * is timed over HTTP with 1, 4 and 8 clients ({@code N} requests each, 200 by default) on the
 * dataset's queries; peak heap and RSS close the report ({@code bench.json}, {@code bench.md}).
 * With {@code --graph-collection} the corpus then goes through the drop folder a second time,
 * into that collection with the knowledge graph on ({@code max_hops} 3, on the Neo4j of
 * {@code dsp.graph.uri}), for documents/s with the graph against without, and the graph modes
 * are timed at 1 client with {@code max_hops} 1, 2 and 3.
 */
public final class BenchCommand {

    public static final String NAME = "bench";
    private static final Set<String> OPTIONS = Set.of("dataset", "out", "via", "requests", "graph-collection");
    private static final int[] CLIENTS = {1, 4, 8};
    private static final int WARM_UP_REQUESTS = 200;
    private static final int REQUESTS_PER_CLIENT = 200;
    private static final int GRAPH_MAX_HOPS = 3;
    private static final int BENCH_RATE_LIMIT = 1_000_000;
    private static final ObjectMapper JSON = EvaluationFiles.JSON;

    /** Retrieve latency of one kind of request ({@code hybrid}, {@code graph, max_hops 2}...) at one concurrency. */
    public record Latency(String request, int clients, int requests, double p50Ms, double p95Ms, double p99Ms) {
    }

    /**
     * The second pass, into a collection with the knowledge graph on.
     *
     * @param toWithout documents/s with the graph over documents/s of the first pass (without it)
     */
    public record GraphPass(String collection, long indexed, long failed, double ingestSeconds, double documentsPerSecond,
                            double toWithout, List<Latency> retrieve) {
    }

    /** @param graph null without {@code --graph-collection} */
    public record BenchReport(String dataset, Instant finishedAt, String via, int documents, long indexed, long failed,
                              int chunks, double ingestSeconds, double documentsPerSecond, double chunksPerSecond,
                              double rawChunksPerSecond, double pipelineToRaw, List<Latency> retrieve,
                              GraphPass graph, long peakHeapBytes, long peakRssBytes) {
    }

    /** What a run does besides the default: its requests per client, and the graph collection (null: no graph pass). */
    private record Plan(String via, int requestsPerClient, String graphCollection) {
    }

    private BenchCommand() {
    }

    public static int run(List<String> args) {
        CommandLine command;
        BeirDataset dataset;
        Plan plan;
        try {
            command = CommandLine.parse(args, OPTIONS);
            dataset = BeirDataset.open(Path.of(command.required("dataset")));
            plan = plan(command);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println("usage: bench --dataset DIR [--out DIR] [--via inbox|kafka] [--requests N] [--graph-collection NAME]");
            return 2;
        }
        if (plan.graphCollection() != null) {
            command = command.withDefaults("--dsp.graph.enabled=true",
                    "--dsp.graph.collections[" + plan.graphCollection() + "]=" + GRAPH_MAX_HOPS);
        }
        Path out = Path.of(command.optional("out", "bench-reports/" + dataset.name()));
        Progress progress = new TerminalProgress();
        try (ConfigurableApplicationContext app = command.startPlatform(out)) {
            BenchReport report = bench(app, dataset, plan, out, progress);
            Files.createDirectories(out);
            JSON.writeValue(out.resolve("bench.json").toFile(), report);
            Files.writeString(out.resolve("bench.md"), markdown(report));
            System.out.print(markdown(report));
            System.out.println("wrote " + out.resolve("bench.json").toAbsolutePath() + " and bench.md");
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static Plan plan(CommandLine command) {
        String via = command.optional("via", "inbox");
        if (!via.equals("inbox") && !via.equals("kafka")) {
            throw new IllegalArgumentException("--via must be inbox or kafka, not '" + via + "'");
        }
        int requests;
        try {
            requests = Integer.parseInt(command.optional("requests", String.valueOf(REQUESTS_PER_CLIENT)));
        } catch (NumberFormatException e) {
            requests = 0;
        }
        if (requests < 1) {
            throw new IllegalArgumentException("--requests must be a positive number, not '" + command.optional("requests", "") + "'");
        }
        String graph = command.optional("graph-collection", null);
        if (graph != null && (graph.equals(CollectionCatalog.DEFAULT) || !StoreArguments.COLLECTION_NAME.matcher(graph).matches())) {
            throw new IllegalArgumentException("--graph-collection must be a collection name (" + StoreArguments.COLLECTION_NAME.pattern()
                    + ") other than default, not '" + graph + "'");
        }
        return new Plan(via, requests, graph);
    }

    private static BenchReport bench(ConfigurableApplicationContext app, BeirDataset dataset, Plan plan, Path out,
                                     Progress progress) throws Exception {
        String via = plan.via();
        DocumentRegistry registry = app.getBean(DocumentRegistry.class);
        if (registry.list(null, null, 0, 0).total() > 0) {
            // the run counts every document of the registry as its own
            throw new IllegalArgumentException("bench needs an empty platform: the registry already holds documents "
                    + "(use a new --out, --dsp.data-dir or --dsp.elasticsearch.index-prefix)");
        }
        int documents = dataset.size();
        Path inbox = Path.of(app.getEnvironment().getRequiredProperty("dsp.inbox"));
        long started = via.equals("kafka") ? publish(app.getEnvironment(), dataset) : drop(dataset, out, inbox);
        progress.start("ingest " + dataset.name(), documents);
        Evaluation.awaitIngested(registry, null, documents, progress);
        double ingestSeconds = (System.nanoTime() - started) / 1e9;

        List<String> chunks = sameChunks(app, dataset);
        double rawSeconds = timeRawEmbedding(app.getBean(Embedder.class), chunks);

        long indexed = registry.list(null, DocumentStatus.INDEXED, 0, 0).total();
        long failed = registry.list(null, DocumentStatus.FAILED, 0, 0).total();
        double graphSeconds = plan.graphCollection() == null ? 0 : timeGraphPass(registry, dataset, out, inbox.resolve(plan.graphCollection()),
                plan.graphCollection(), progress);

        Clients clients = new Clients(((WebServerApplicationContext) app).getWebServer().getPort(),
                // the clients call as a user would, with a token; minted in process, no password needed, and
                // with a rate limit the bench never reaches (it measures the platform, limiter included, not the limit)
                app.getBean(TokenService.class).issue("bench", Map.of("roles", List.of("user"), "rate_limit", BENCH_RATE_LIMIT)).accessToken(),
                dataset.judgedQueries().stream().map(BeirDataset.Query::text).toList());
        // a first pass compiles the query path (JIT), as in any server that has run a while
        clients.latency("hybrid", Map.of(), 1, WARM_UP_REQUESTS, Progress.NONE);
        List<Latency> retrieve = new ArrayList<>();
        for (int concurrency : CLIENTS) {
            retrieve.add(clients.latency("hybrid", Map.of(), concurrency, concurrency * plan.requestsPerClient(), progress));
        }
        GraphPass graph = null;
        if (plan.graphCollection() != null) {
            String collection = plan.graphCollection();
            graph = new GraphPass(collection, registry.list(collection, DocumentStatus.INDEXED, 0, 0).total(),
                    registry.list(collection, DocumentStatus.FAILED, 0, 0).total(), graphSeconds, documents / graphSeconds,
                    ingestSeconds / graphSeconds, graphLatencies(clients, collection, plan.requestsPerClient(), progress));
        }
        double chunksPerSecond = chunks.size() / ingestSeconds;
        return new BenchReport(dataset.name(), Instant.now(), via, documents, indexed, failed,
                chunks.size(), ingestSeconds, documents / ingestSeconds, chunksPerSecond, chunks.size() / rawSeconds,
                chunksPerSecond / (chunks.size() / rawSeconds), retrieve, graph, peakHeap(), peakRss());
    }

    /**
     * The corpus again, through the drop folder into the graph collection: the same pipeline, the
     * same (by now warm) process, plus the graph step. Returns its ingestion time in seconds.
     */
    private static double timeGraphPass(DocumentRegistry registry, BeirDataset dataset, Path out, Path collectionInbox, String collection,
                                        Progress progress) throws IOException {
        long started = drop(dataset, out, collectionInbox);
        progress.start("ingest " + dataset.name() + " with the graph", dataset.size());
        Evaluation.awaitIngested(registry, collection, dataset.size(), progress);
        return (System.nanoTime() - started) / 1e9;
    }

    /** The graph modes on the graph collection at 1 client, at each max_hops (after a warm-up of the traversal code). */
    private static List<Latency> graphLatencies(Clients clients, String collection, int requests, Progress progress) throws Exception {
        clients.latency("graph", Map.of("collection", collection, "mode", "graph"), 1, WARM_UP_REQUESTS, Progress.NONE);
        List<Latency> latencies = new ArrayList<>();
        for (String mode : List.of("graph", "hybrid+graph")) {
            for (int hops = 1; hops <= GRAPH_MAX_HOPS; hops++) {
                latencies.add(clients.latency(mode + ", max_hops " + hops, Map.of("collection", collection, "mode", mode, "max_hops", hops),
                        1, requests, progress));
            }
        }
        return latencies;
    }

    /** Stages every document as a file, then renames them all into the inbox (atomic: each is seen whole). */
    private static long drop(BeirDataset dataset, Path out, Path inboxDir) throws IOException {
        List<Path> staged = stage(dataset.documents(), out);
        long started = System.nanoTime();
        moveInto(staged, inboxDir);
        return started;
    }

    /** Writes each document as a file in a fresh folder under {@code out}, ready to be moved into an inbox. */
    static List<Path> stage(Stream<BeirDataset.Document> documents, Path out) throws IOException {
        // a fresh folder: what an earlier, interrupted run staged must not count
        Path staging = Files.createTempDirectory(Files.createDirectories(out), "staging-");
        List<Path> staged = new ArrayList<>();
        try (Stream<BeirDataset.Document> corpus = documents) {
            for (Iterator<BeirDataset.Document> it = corpus.iterator(); it.hasNext(); ) {
                BeirDataset.Document doc = it.next();
                Path file = staging.resolve(doc.filename());
                if (Files.exists(file)) {
                    // the drop folder would see one document where the corpus has two
                    throw new IllegalArgumentException("two corpus documents have the file name " + doc.filename());
                }
                staged.add(Files.write(file, doc.content()));
            }
        }
        return staged;
    }

    /** Renames staged files into the inbox (atomic: each is seen whole). */
    static void moveInto(List<Path> staged, Path inboxDir) throws IOException {
        Path inbox = Files.createDirectories(inboxDir);
        for (Path file : staged) {
            Files.move(file, inbox.resolve(file.getFileName()));
        }
    }

    /** Publishes every document as a message (base64 content), as a producer of the platform would. */
    private static long publish(Environment app, BeirDataset dataset) throws IOException {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.getRequiredProperty("dsp.kafka.brokers"),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        String topic = app.getRequiredProperty("dsp.kafka.documents-topic");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        try (Stream<BeirDataset.Document> corpus = dataset.documents()) {
            for (Iterator<BeirDataset.Document> it = corpus.iterator(); it.hasNext(); ) {
                BeirDataset.Document doc = it.next();
                records.add(new ProducerRecord<>(topic, doc.corpusId(), JSON.writeValueAsBytes(Map.of(
                        "filename", doc.filename(), "content", Base64.getEncoder().encodeToString(doc.content())))));
            }
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            long started = System.nanoTime();
            records.forEach(producer::send);
            producer.flush();
            return started;
        }
    }

    private static List<String> sameChunks(ConfigurableApplicationContext app, BeirDataset dataset) {
        TikaExtractor extractor = app.getBean(TikaExtractor.class);
        Chunker chunker = app.getBean(Chunker.class);
        List<String> texts = new ArrayList<>();
        try (Stream<BeirDataset.Document> corpus = dataset.documents()) {
            corpus.forEach(doc -> {
                for (TextChunk chunk : chunker.split(extractor.extract(doc.content(), doc.filename()).text())) {
                    texts.add(chunk.text());
                }
            });
        }
        return texts;
    }

    private static double timeRawEmbedding(Embedder embedder, List<String> texts) {
        long started = System.nanoTime();
        embedder.embedAll(texts);
        return (System.nanoTime() - started) / 1e9;
    }

    /** Users of {@code /api/v1/retrieve} over HTTP, asking the dataset's queries in turn with k = 10. */
    private record Clients(int port, String token, List<String> queries) {

        /** {@code fields}: what each request has besides its query and k (mode, collection, max_hops). */
        Latency latency(String request, Map<String, Object> fields, int clients, int requests, Progress progress) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            progress.start("retrieve " + request + " x" + clients, requests);
            try {
                List<Future<Double>> futures = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    Map<String, Object> body = new LinkedHashMap<>(fields);
                    body.put("query", queries.get(i % queries.size()));
                    body.put("k", 10);
                    byte[] json = JSON.writeValueAsBytes(body);
                    futures.add(pool.submit(() -> timeRetrieve(http, json)));
                }
                List<Double> millis = new ArrayList<>();
                for (Future<Double> future : futures) {
                    millis.add(future.get());
                    progress.update(millis.size());
                }
                millis.sort(Double::compare);
                return new Latency(request, clients, requests, Evaluation.percentile(millis, 0.50), Evaluation.percentile(millis, 0.95),
                        Evaluation.percentile(millis, 0.99));
            } finally {
                progress.finish();
                pool.shutdown();
            }
        }

        private double timeRetrieve(HttpClient http, byte[] body) throws Exception {
            long started = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/retrieve"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("retrieve answered " + response.statusCode() + ": " + response.body());
            }
            return (System.nanoTime() - started) / 1e6;
        }
    }

    /** The heap pools' peaks, summed: an upper bound of the heap in use at any one time. */
    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(usage -> usage.getUsed()).sum();
    }

    /** VmHWM: the most resident memory the process ever had; 0 where /proc is absent. */
    private static long peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmHWM:"))
                .map(line -> line.replaceAll("[^0-9]", "")).mapToLong(kb -> Long.parseLong(kb) * 1024).findFirst().orElse(0);
    }

    static String markdown(BenchReport r) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("ingestion (" + r.via() + ")", String.format(Locale.ROOT, "%d documents (%d indexed, %d failed), %d chunks in %.1f s: %.1f docs/s, %.1f chunks/s",
                r.documents(), r.indexed(), r.failed(), r.chunks(), r.ingestSeconds(), r.documentsPerSecond(), r.chunksPerSecond()));
        rows.put("raw model, same chunks", String.format(Locale.ROOT, "%.1f chunks/s; pipeline/raw = %.2f", r.rawChunksPerSecond(), r.pipelineToRaw()));
        r.retrieve().forEach(latency -> rows.put(latencyRow(latency), latencyFigures(latency)));
        if (r.graph() != null) {
            GraphPass g = r.graph();
            rows.put("ingestion with the graph (inbox/" + g.collection() + ")", String.format(Locale.ROOT,
                    "%d indexed, %d failed in %.1f s: %.1f docs/s; with/without the graph = %.2f",
                    g.indexed(), g.failed(), g.ingestSeconds(), g.documentsPerSecond(), g.toWithout()));
            g.retrieve().forEach(latency -> rows.put(latencyRow(latency), latencyFigures(latency)));
        }
        rows.put("peak heap, peak RSS", String.format(Locale.ROOT, "%d MB, %d MB", r.peakHeapBytes() >> 20, r.peakRssBytes() >> 20));
        StringBuilder md = new StringBuilder("# Benchmark on " + r.dataset() + "\n\n| figure | measured |\n| --- | --- |\n");
        rows.forEach((name, value) -> md.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        return md.toString();
    }

    private static String latencyRow(Latency latency) {
        return "retrieve (" + latency.request() + ", k=10), " + latency.clients() + " client" + (latency.clients() == 1 ? "" : "s");
    }

    private static String latencyFigures(Latency latency) {
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d requests)",
                latency.p50Ms(), latency.p95Ms(), latency.p99Ms(), latency.requests());
    }
}
