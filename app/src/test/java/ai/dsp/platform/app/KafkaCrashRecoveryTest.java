package ai.dsp.platform.app;

import ai.dsp.platform.testing.ChildProcess;
import ai.dsp.platform.testing.ElasticsearchServer;
import ai.dsp.platform.testing.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At-least-once across a crash: an instance dies (JVM halt) after Elasticsearch stored a
 * document's chunks and before the record's offset was committed. The consumer group hands the
 * partition to the next instance, which gets the record again, and the document ends up indexed
 * once: the same chunk ids, no duplicates, the offset committed after all.
 */
class KafkaCrashRecoveryTest {

    private static final String RUN = "c" + ProcessHandle.current().pid();
    private static final String DOCUMENTS = RUN + ".documents";
    private static final String COLLECTION = "crash";
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    @TempDir
    Path work;

    private ChildProcess doomed;
    private AppHarness successor;

    @AfterEach
    void stopInstances() {
        if (doomed != null && doomed.alive()) {
            doomed.stop(Duration.ZERO, Duration.ofSeconds(10));
        }
        if (successor != null) {
            successor.close();
        }
    }

    @Test
    void aDocumentStoredButNotCommittedWhenTheInstanceDiesIsRedeliveredAndIndexedOnce() throws Exception {
        ElasticsearchServer elasticsearch = ElasticsearchServer.shared();
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopic(DOCUMENTS, 1);
        List<String> settings = settings(elasticsearch, kafka);

        Path ready = work.resolve("ready");
        List<String> doomedArgs = new ArrayList<>(settings);
        doomedArgs.addAll(List.of("--server.port=0", "--dsp.data-dir=" + work.resolve("doomed"), "--dsp.inbox=" + work.resolve("doomed-inbox")));
        doomed = ChildProcess.java(HaltBeforeCommitApp.class.getName(),
                List.of("-Xmx768m", "-Ddsp.test.ready-file=" + ready), doomedArgs, work, work.resolve("doomed.log"));
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(ready) || !doomed.alive());
        assertThat(doomed.alive()).as("instance started; its output:\n%s", ChildProcess.tail(work.resolve("doomed.log"), 40)).isTrue();

        try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
            client.publish(DOCUMENTS, "handbook", Map.of("id", "handbook", "collection", COLLECTION,
                    "filename", "handbook.md", "text", handbook()));

            assertThat(doomed.awaitExit(Duration.ofSeconds(60))).isTrue();
            assertThat(doomed.exitValue()).as("halted before the commit").isEqualTo(HaltBeforeCommitApp.HALTED);
            long storedBeforeCrash = chunksInElasticsearch(elasticsearch, "handbook");
            assertThat(storedBeforeCrash).as("chunks stored before the crash").isGreaterThan(1);
            assertThat(client.committedOffsets(RUN)).as("offset committed before the crash").isZero();

            successor = AppHarness.start(work.resolve("successor"), work.resolve("successor-inbox"), settings.toArray(String[]::new));
            await().atMost(Duration.ofSeconds(90)).until(() -> client.committedOffsets(RUN) == 1);
        }

        JsonNode document = successor.get("/api/v1/documents/handbook").body();
        assertThat(document.path("status").asText()).isEqualTo("INDEXED");
        int chunks = document.path("chunks").asInt();
        assertThat((long) chunks).as("chunks in the collection").isEqualTo(storedChunks(elasticsearch));
        assertThat(chunksInElasticsearch(elasticsearch, "handbook")).isEqualTo(chunks);
        JsonNode results = successor.postJson("/api/v1/retrieve", Map.of("query", "holiday leave expenses laptop",
                "collection", COLLECTION, "k", 50, "mode", "dense")).body().path("results");
        Set<String> chunkIds = new HashSet<>();
        results.forEach(r -> chunkIds.add(r.path("chunk_id").asText()));
        assertThat(chunkIds).hasSize(results.size()).hasSize(chunks);
        assertThat(chunkIds).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, chunks).mapToObj(i -> "handbook:" + i).collect(Collectors.toList()));
    }

    private static List<String> settings(ElasticsearchServer elasticsearch, KafkaBroker kafka) {
        return List.of(
                "--spring.profiles.active=production",
                "--dsp.redis.enabled=false",
                // about Kafka: the manifests stay in files
                "--dsp.control-tower.store.type=file",
                "--dsp.elasticsearch.urls=" + elasticsearch.url(),
                "--dsp.elasticsearch.index-prefix=" + RUN,
                "--dsp.kafka.brokers=" + kafka.bootstrapServers(),
                "--dsp.kafka.group-id=" + RUN,
                "--dsp.kafka.documents-topic=" + DOCUMENTS,
                "--dsp.kafka.dead-letter-topic=" + RUN + ".dlt",
                "--dsp.kafka.events-topic=" + RUN + ".events",
                "--dsp.kafka.session-timeout-ms=" + SESSION_TIMEOUT.toMillis());
    }

    /** Long enough for several chunks, each paragraph about something else. */
    private static String handbook() {
        return String.join("\n\n",
                "# Staff handbook",
                "Holiday leave is requested in the HR portal at least two weeks ahead. ".repeat(12),
                "Expenses are reimbursed monthly; every receipt is attached to the expense report. ".repeat(12),
                "A laptop is issued on the first day and returned to IT on the last. ".repeat(12),
                "The office opens at eight and the building closes at eight in the evening. ".repeat(12));
    }

    private static long storedChunks(ElasticsearchServer elasticsearch) throws IOException, InterruptedException {
        return count(elasticsearch, "");
    }

    private static long chunksInElasticsearch(ElasticsearchServer elasticsearch, String documentId) throws IOException, InterruptedException {
        return count(elasticsearch, "?q=documentId:" + documentId);
    }

    private static long count(ElasticsearchServer elasticsearch, String query) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(elasticsearch.url() + "/" + RUN + "-chunks-" + COLLECTION + "/_count" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return AppHarness.JSON.readTree(response.body()).path("count").asLong();
    }
}
