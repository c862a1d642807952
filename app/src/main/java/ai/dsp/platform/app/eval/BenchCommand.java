package ai.dsp.platform.app.eval;

import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.ingest.Chunker;
import ai.dsp.platform.ingest.TextChunk;
import ai.dsp.platform.ingest.TikaExtractor;
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
 * {@code java -jar app.jar bench --dataset DIR [--out DIR] [--via inbox|kafka] [--any.setting=value ...]}:
 * speed and memory on a BEIR-layout dataset, all in one run so the ratios hold on a noisy
 * machine. The corpus goes through the drop folder (or, with {@code --via kafka}, as document
 * messages on {@code dsp.kafka.documents-topic}) until every document is indexed or failed; the
 * raw model then embeds the same chunks; retrieval is timed over HTTP with 1, 4 and 8 clients
 * on the dataset's queries; peak heap and RSS close the report ({@code bench.json}, {@code bench.md}).
 */
public final class BenchCommand {

    public static final String NAME = "bench";
    private static final Set<String> OPTIONS = Set.of("dataset", "out", "via");
    private static final int[] CLIENTS = {1, 4, 8};
    private static final int WARM_UP_REQUESTS = 200;
    private static final int REQUESTS_PER_CLIENT = 200;
    private static final int BENCH_RATE_LIMIT = 1_000_000;
    private static final ObjectMapper JSON = EvaluationFiles.JSON;

    /** Retrieve latency at one concurrency. */
    public record Latency(int clients, int requests, double p50Ms, double p95Ms, double p99Ms) {
    }

    public record BenchReport(String dataset, Instant finishedAt, String via, int documents, long indexed, long failed,
                              int chunks, double ingestSeconds, double documentsPerSecond, double chunksPerSecond,
                              double rawChunksPerSecond, double pipelineToRaw, List<Latency> retrieve,
                              long peakHeapBytes, long peakRssBytes) {
    }

    private BenchCommand() {
    }

    public static int run(List<String> args) {
        CommandLine command;
        BeirDataset dataset;
        String via;
        try {
            command = CommandLine.parse(args, OPTIONS);
            dataset = BeirDataset.open(Path.of(command.required("dataset")));
            via = command.optional("via", "inbox");
            if (!via.equals("inbox") && !via.equals("kafka")) {
                throw new IllegalArgumentException("--via must be inbox or kafka, not '" + via + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println("usage: bench --dataset DIR [--out DIR] [--via inbox|kafka]");
            return 2;
        }
        Path out = Path.of(command.optional("out", "bench-reports/" + dataset.name()));
        Progress progress = new TerminalProgress();
        try (ConfigurableApplicationContext app = command.startPlatform(out)) {
            BenchReport report = bench(app, dataset, via, out, progress);
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

    private static BenchReport bench(ConfigurableApplicationContext app, BeirDataset dataset, String via, Path out,
                                     Progress progress) throws Exception {
        DocumentRegistry registry = app.getBean(DocumentRegistry.class);
        if (registry.list(null, null, 0, 0).total() > 0) {
            // the run counts every document of the registry as its own
            throw new IllegalArgumentException("bench needs an empty platform: the registry already holds documents "
                    + "(use a new --out, --dsp.data-dir or --dsp.elasticsearch.index-prefix)");
        }
        int documents = dataset.size();
        long started = via.equals("kafka")
                ? publish(app.getEnvironment(), dataset)
                : drop(dataset, out, Path.of(app.getEnvironment().getRequiredProperty("dsp.inbox")));
        progress.start("ingest " + dataset.name(), documents);
        Evaluation.awaitIngested(registry, null, documents, progress);
        double ingestSeconds = (System.nanoTime() - started) / 1e9;

        List<String> chunks = sameChunks(app, dataset);
        double rawSeconds = timeRawEmbedding(app.getBean(Embedder.class), chunks);

        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        // the clients call as a user would, with a token; minted in process, no password needed, and
        // with a rate limit the bench never reaches (it measures the platform, limiter included, not the limit)
        String token = app.getBean(TokenService.class).issue("bench", Map.of("roles", List.of("user"), "rate_limit", BENCH_RATE_LIMIT))
                .accessToken();
        List<String> queries = dataset.judgedQueries().stream().map(BeirDataset.Query::text).toList();
        // a first pass compiles the query path (JIT), as in any server that has run a while
        latency(port, token, queries, 1, WARM_UP_REQUESTS, Progress.NONE);
        List<Latency> retrieve = new ArrayList<>();
        for (int clients : CLIENTS) {
            retrieve.add(latency(port, token, queries, clients, clients * REQUESTS_PER_CLIENT, progress));
        }
        double chunksPerSecond = chunks.size() / ingestSeconds;
        return new BenchReport(dataset.name(), Instant.now(), via, documents,
                registry.list(null, DocumentStatus.INDEXED, 0, 0).total(), registry.list(null, DocumentStatus.FAILED, 0, 0).total(),
                chunks.size(), ingestSeconds, documents / ingestSeconds, chunksPerSecond, chunks.size() / rawSeconds,
                chunksPerSecond / (chunks.size() / rawSeconds), retrieve, peakHeap(), peakRss());
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

    private static Latency latency(int port, String token, List<String> queries, int clients, int requests, Progress progress)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        progress.start("retrieve x" + clients, requests);
        try {
            List<Future<Double>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                byte[] body = JSON.writeValueAsBytes(Map.of("query", queries.get(i % queries.size()), "k", 10));
                futures.add(pool.submit(() -> timeRetrieve(http, port, token, body)));
            }
            List<Double> millis = new ArrayList<>();
            for (Future<Double> future : futures) {
                millis.add(future.get());
                progress.update(millis.size());
            }
            millis.sort(Double::compare);
            return new Latency(clients, requests, Evaluation.percentile(millis, 0.50), Evaluation.percentile(millis, 0.95),
                    Evaluation.percentile(millis, 0.99));
        } finally {
            progress.finish();
            pool.shutdown();
        }
    }

    private static double timeRetrieve(HttpClient http, int port, String token, byte[] body) throws Exception {
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
        for (Latency latency : r.retrieve()) {
            rows.put("retrieve (hybrid, k=10), " + latency.clients() + " client" + (latency.clients() == 1 ? "" : "s"),
                    String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d requests)",
                            latency.p50Ms(), latency.p95Ms(), latency.p99Ms(), latency.requests()));
        }
        rows.put("peak heap, peak RSS", String.format(Locale.ROOT, "%d MB, %d MB", r.peakHeapBytes() >> 20, r.peakRssBytes() >> 20));
        StringBuilder md = new StringBuilder("# Benchmark on " + r.dataset() + "\n\n| figure | measured |\n| --- | --- |\n");
        rows.forEach((name, value) -> md.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        return md.toString();
    }
}
