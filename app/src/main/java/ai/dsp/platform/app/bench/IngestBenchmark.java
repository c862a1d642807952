package ai.dsp.platform.app.bench;

import ai.dsp.platform.app.DspApplication;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.ingest.Chunker;
import ai.dsp.platform.ingest.TextChunk;
import ai.dsp.platform.ingest.TikaExtractor;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The ingestion and retrieval benchmark of docs/BENCHMARKS.md: feeds a document folder to a
 * fresh app, either through its drop folder or (with {@code --via=kafka}) as document messages
 * on {@code dsp.kafka.documents-topic}, times ingestion end to end, embeds the same chunks with
 * the raw model in the same process, and measures retrieve latency over HTTP with 1 and 8 clients.
 * Usage: {@code IngestBenchmark <docs-dir> <queries.jsonl> <work-dir> [--via=inbox|kafka] [--app.option=value ...]}.
 */
public final class IngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIA = "--via=";

    public static void main(String[] args) throws Exception {
        Path docs = Path.of(args[0]);
        Path queriesFile = Path.of(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]));
        List<Path> files;
        try (Stream<Path> list = Files.list(docs)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        List<String> options = List.of(args).subList(3, args.length);
        boolean viaKafka = options.contains(VIA + "kafka");
        List<String> appArgs = new ArrayList<>(List.of("--server.port=0", "--dsp.data-dir=" + work.resolve("data"),
                "--dsp.inbox=" + work.resolve("inbox"), "--logging.level.ai.dsp.platform.events=WARN"));
        options.stream().filter(option -> !option.startsWith(VIA)).forEach(appArgs::add);
        ConfigurableApplicationContext app = new SpringApplicationBuilder(DspApplication.class).run(appArgs.toArray(String[]::new));
        try {
            DocumentRegistry registry = app.getBean(DocumentRegistry.class);
            long started = viaKafka ? publish(app.getEnvironment(), files) : drop(work, files);
            while (registry.list(null, DocumentStatus.INDEXED, 0, 1).total() + registry.list(null, DocumentStatus.FAILED, 0, 1).total() < files.size()) {
                Thread.sleep(100);
            }
            double ingestSeconds = (System.nanoTime() - started) / 1e9;
            long indexed = registry.list(null, DocumentStatus.INDEXED, 0, 1).total();
            List<String> chunks = sameChunks(app, files);
            double rawSeconds = timeRawEmbedding(app.getBean(Embedder.class), chunks);

            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            List<String> queries = Files.readAllLines(queriesFile).stream().filter(l -> !l.isBlank())
                    .map(l -> read(l).get("text").toString()).toList();
            // a first pass compiles the query path (JIT), as any server that has run a while has
            latency(port, queries, 1, 200);
            Latency one = latency(port, queries, 1, 400);
            Latency eight = latency(port, queries, 8, 800);

            System.out.printf("documents: %d indexed of %d in %.1f s = %.1f docs/s%n", indexed, files.size(), ingestSeconds, files.size() / ingestSeconds);
            System.out.printf("chunks: %d = %.1f chunks/s end to end%n", chunks.size(), chunks.size() / ingestSeconds);
            System.out.printf("raw model on the same chunks: %.1f s = %.1f chunks/s; pipeline/raw = %.2f%n",
                    rawSeconds, chunks.size() / rawSeconds, (chunks.size() / ingestSeconds) / (chunks.size() / rawSeconds));
            System.out.printf("retrieve hybrid k=10, 1 client: p50 %.1f ms, p95 %.1f ms%n", one.p50, one.p95);
            System.out.printf("retrieve hybrid k=10, 8 clients: p50 %.1f ms, p95 %.1f ms%n", eight.p50, eight.p95);
            System.out.printf("peak RSS: %s%n", peakRss());
        } finally {
            app.close();
        }
    }

    /** Renames the files into the inbox (atomic, so it sees each file whole); returns the start time. */
    private static long drop(Path work, List<Path> files) throws IOException {
        Path staging = Files.createDirectories(work.resolve("staging"));
        for (Path file : files) {
            Files.copy(file, staging.resolve(file.getFileName()));
        }
        long started = System.nanoTime();
        for (Path file : files) {
            Files.move(staging.resolve(file.getFileName()), work.resolve("inbox").resolve(file.getFileName()));
        }
        return started;
    }

    /** Publishes each file as a document message (base64 content), as a producer of the platform would. */
    private static long publish(Environment app, List<Path> files) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.getRequiredProperty("dsp.kafka.brokers"),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        String topic = app.getRequiredProperty("dsp.kafka.documents-topic");
        List<byte[]> messages = new ArrayList<>(files.size());
        for (Path file : files) {
            String name = file.getFileName().toString();
            messages.add(JSON.writeValueAsBytes(Map.of("filename", name, "collection", "default",
                    "content", Base64.getEncoder().encodeToString(Files.readAllBytes(file)))));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            long started = System.nanoTime();
            for (int i = 0; i < files.size(); i++) {
                producer.send(new ProducerRecord<>(topic, files.get(i).getFileName().toString(), messages.get(i)));
            }
            producer.flush();
            return started;
        }
    }

    private static List<String> sameChunks(ConfigurableApplicationContext app, List<Path> files) throws Exception {
        TikaExtractor extractor = app.getBean(TikaExtractor.class);
        Chunker chunker = app.getBean(Chunker.class);
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            for (TextChunk chunk : chunker.split(extractor.extract(Files.readAllBytes(file), file.getFileName().toString()).text())) {
                texts.add(chunk.text());
            }
        }
        return texts;
    }

    private static double timeRawEmbedding(Embedder embedder, List<String> texts) {
        long started = System.nanoTime();
        embedder.embedAll(texts);
        return (System.nanoTime() - started) / 1e9;
    }

    record Latency(double p50, double p95) {
    }

    private static Latency latency(int port, List<String> queries, int clients, int requests) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Double>> futures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String body = JSON.writeValueAsString(Map.of("query", queries.get(i % queries.size()), "k", 10));
            futures.add(pool.submit(() -> {
                long t = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/retrieve"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("retrieve answered " + r.statusCode());
                }
                return (System.nanoTime() - t) / 1e6;
            }));
        }
        List<Double> millis = new ArrayList<>();
        for (Future<Double> f : futures) {
            millis.add(f.get());
        }
        pool.shutdown();
        Collections.sort(millis);
        return new Latency(millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.95) - 1));
    }

    private static Map<?, ?> read(String line) {
        try {
            return JSON.readValue(line, Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String peakRss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> l.replace("VmHWM:", "").trim()).findFirst().orElse("unknown");
    }
}
