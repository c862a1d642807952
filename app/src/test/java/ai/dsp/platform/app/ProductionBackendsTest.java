package ai.dsp.platform.app;

import ai.dsp.platform.controltower.testing.PostgresServer;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.store.StoreUnavailableException;
import ai.dsp.platform.testing.ElasticsearchServer;
import ai.dsp.platform.testing.KafkaBroker;
import ai.dsp.platform.testing.RedisServer;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The production profile against real servers: Kafka (KRaft), Elasticsearch 8.19 and PostgreSQL started by
 * the test harness, the machine's Redis. Documents published to Kafka become answerable from
 * Elasticsearch and are announced on Kafka and Redis; the faults the issue names are provoked
 * for real (poison record, a chunk Elasticsearch rejects, Elasticsearch stopped mid-ingestion).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionBackendsTest {

    private static final String RUN = "p" + ProcessHandle.current().pid();
    private static final String DOCUMENTS = RUN + ".documents";
    private static final String DEAD_LETTERS = RUN + ".dlt";
    private static final String EVENTS = RUN + ".events";
    private static final String CHANNEL = RUN + ".events";
    private static final String AUDIT = RUN + ".audit";

    @TempDir
    static Path work;

    private static ElasticsearchServer elasticsearch;
    private static KafkaBroker kafka;
    private static PostgresServer postgres;
    private static AppHarness app;
    private static KafkaTestClient kafkaClient;
    private static RedisClient redis;
    private static StatefulRedisPubSubConnection<String, String> subscription;
    private static final List<String> redisEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPlatform() {
        elasticsearch = ElasticsearchServer.shared();
        postgres = PostgresServer.start();
        kafka = KafkaBroker.shared();
        kafka.createTopic(DOCUMENTS, 3);
        kafka.createTopic(DEAD_LETTERS, 1);
        kafka.createTopic(EVENTS, 1);
        kafka.createTopic(AUDIT, 1);
        String redisUrl = RedisServer.shared().url();
        redis = RedisClient.create(redisUrl);
        subscription = redis.connectPubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                redisEvents.add(message);
            }
        });
        subscription.sync().subscribe(CHANNEL);
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--spring.profiles.active=production",
                "--dsp.elasticsearch.urls=" + elasticsearch.url(),
                "--dsp.elasticsearch.index-prefix=" + RUN,
                "--dsp.elasticsearch.refresh-interval=100ms",
                "--dsp.kafka.brokers=" + kafka.bootstrapServers(),
                "--dsp.kafka.group-id=" + RUN,
                "--dsp.kafka.documents-topic=" + DOCUMENTS,
                "--dsp.kafka.dead-letter-topic=" + DEAD_LETTERS,
                "--dsp.kafka.events-topic=" + EVENTS,
                "--spring.data.redis.url=" + redisUrl,
                "--dsp.redis.events-channel=" + CHANNEL,
                "--dsp.cache.key-prefix=" + RUN,
                "--dsp.metrics.probe-interval=1s",
                "--dsp.audit.kafka-topic=" + AUDIT,
                "--dsp.control-tower.store.postgres.url=" + postgres.createDatabase(),
                "--dsp.control-tower.store.postgres.username=postgres");
        kafkaClient = new KafkaTestClient(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopPlatform() {
        if (app != null) {
            app.close();
        }
        if (kafkaClient != null) {
            kafkaClient.close();
        }
        if (subscription != null) {
            subscription.close();
            try (var connection = redis.connect()) {
                List<String> keys = connection.sync().keys(RUN + ":*");
                if (!keys.isEmpty()) {
                    connection.sync().del(keys.toArray(String[]::new));
                }
            }
            redis.shutdown();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void documentsPublishedToKafkaBecomeAnswerableFromElasticsearchAndAreAnnounced() {
        publish("vpn", Map.of("id", "vpn-guide", "collection", "kb", "filename", "vpn.txt",
                "text", "Connect to the corporate VPN with the client installed on your laptop before opening the wiki.",
                "acl", Map.of("allowed_groups", List.of("staff"))));
        publish("expenses", Map.of("id", "expenses", "collection", "kb", "filename", "expenses.txt",
                "content", base64("Expenses are reimbursed monthly; attach every receipt to the expense report.")));

        awaitStatus("vpn-guide", "INDEXED");
        awaitStatus("expenses", "INDEXED");

        // the VPN guide is for the staff group: the reader (in staff) finds it, the admin (not in it) does not
        AppHarness staff = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
        AppHarness.Reply answer = staff.postJson("/api/v1/query", Map.of("query", "how do I connect to the VPN", "collection", "kb"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("sources").get(0).path("document_id").asText()).isEqualTo("vpn-guide");
        AppHarness.Reply filtered = staff.postJson("/api/v1/retrieve", Map.of("query", "receipt report", "collection", "kb",
                "filter", Map.of("allowed_groups", "staff")));
        assertThat(filtered.body().path("results")).extracting(r -> r.path("document_id").asText()).containsOnly("vpn-guide");
        assertThat(retrieveIds("connect VPN client wiki")).isEmpty();
        assertThat(app.get("/health").body().path("store").path("chunks").path("kb").asLong()).isEqualTo(2);
        double hits = Scrape.of(app).value("dsp_cache_requests_total", "result=\"hit\"");
        retrieveIds("corporate VPN laptop");
        retrieveIds("corporate VPN laptop");
        assertThat(Scrape.of(app).value("dsp_cache_requests_total", "result=\"hit\"")).isEqualTo((Double.isNaN(hits) ? 0 : hits) + 1);
        assertThat(Scrape.of(app).value("dsp_ingest_documents_total", "source=\"kafka\"", "collection=\"kb\"", "outcome=\"indexed\""))
                .isEqualTo(2);

        List<JsonNode> events = consume(EVENTS, 2).stream().map(r -> json(r.value())).toList();
        assertThat(events).extracting(e -> e.path("type").asText()).containsOnly("document.indexed");
        assertThat(events).extracting(e -> e.path("documentId").asText()).containsExactlyInAnyOrder("vpn-guide", "expenses");
        await().atMost(Duration.ofSeconds(10)).until(() -> redisEvents.stream().filter(e -> e.contains("vpn-guide")).count() == 1);
        // the audit trail's copy on Kafka: the reader's query, with the document it returned
        assertThat(consume(AUDIT, 1)).map(record -> json(record.value())).anySatisfy(audit -> {
            assertThat(audit.path("path").asText()).isEqualTo("/api/v1/query");
            assertThat(audit.path("principal").asText()).isEqualTo(AppHarness.READER);
            assertThat(audit.path("documents").get(0).asText()).isEqualTo("vpn-guide");
            assertThat(audit.path("prev").asText()).hasSize(64);
        });
    }

    @Test
    @Order(2)
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheRecordsAfterItAreIndexed() throws Exception {
        // cached in Redis now; the document below must invalidate it
        assertThat(retrieveIds("printers second floor")).doesNotContain("after-poison");
        kafkaClient.publish(DOCUMENTS, 0, "poison", "{not json".getBytes(StandardCharsets.UTF_8));
        kafkaClient.publish(DOCUMENTS, 0, "after-poison", AppHarness.JSON.writeValueAsBytes(
                Map.of("id", "after-poison", "collection", "kb", "text", "Printers are on the second floor.")));

        awaitStatus("after-poison", "INDEXED");
        assertThat(retrieveIds("printers second floor")).first().isEqualTo("after-poison");
        ConsumerRecord<String, byte[]> dead = consume(DEAD_LETTERS, 1).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(KafkaTestClient.header(dead, "dsp.error.reason")).contains("not a document JSON object");
        assertThat(KafkaTestClient.header(dead, "dsp.error.exception")).isEqualTo("ai.dsp.platform.document.DocumentRejectedException");
        assertThat(KafkaTestClient.header(dead, "dsp.original.topic")).isEqualTo(DOCUMENTS);
        assertThat(KafkaTestClient.header(dead, "dsp.original.partition")).isEqualTo("0");
        assertThat(KafkaTestClient.header(dead, "dsp.original.offset")).matches("\\d+");
        assertThat(Scrape.of(app).value("dsp_dead_letters_total", "route=\"ingest-kafka\"")).isEqualTo(1);
        // everything is committed, dead letters included: the group has no lag left
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Scrape.of(app).value("dsp_kafka_consumer_lag_records", "topic=\"" + DOCUMENTS + "\"", "group=\"" + RUN + "\"") == 0);
    }

    @Test
    @Order(3)
    void aChunkElasticsearchRejectsFailsOnlyItsDocument() {
        // a keyword value over Lucene's 32766-byte term limit: Elasticsearch answers this item with 400
        publish("huge", Map.of("id", "huge-tag", "collection", "kb", "text", "A document with an oversized tag.",
                "metadata", Map.of("tag", "x".repeat(40_000))));
        publish("fine", Map.of("id", "fine", "collection", "kb", "text", "The canteen opens at noon."));

        awaitStatus("fine", "INDEXED");
        JsonNode failed = awaitStatus("huge-tag", "FAILED");
        assertThat(failed.path("reason").asText()).contains("Elasticsearch rejected");
        assertThat(app.postJson("/api/v1/retrieve", Map.of("query", "oversized tag", "collection", "kb",
                "filter", Map.of("documentId", "huge-tag"))).body().path("results")).isEmpty();
        assertThat(consume(DEAD_LETTERS, 2)).anySatisfy(dead -> {
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("huge-tag");
            assertThat(KafkaTestClient.header(dead, "dsp.error.exception")).isEqualTo("ai.dsp.platform.store.ChunksRejectedException");
        });
        Scrape metrics = Scrape.of(app);
        assertThat(metrics.value("dsp_store_errors_total", "store=\"elasticsearch\"", "operation=\"replace\"", "error=\"rejected\""))
                .isEqualTo(1);
        assertThat(metrics.value("dsp_dead_letters_total", "route=\"ingest-kafka\"")).isEqualTo(2);
        assertThat(metrics.value("dsp_ingest_documents_total", "source=\"kafka\"", "collection=\"kb\"", "outcome=\"failed\""))
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void ingestionPausesWhileElasticsearchIsDownAndResumesWithNothingLost() {
        elasticsearch.stop();
        try {
            publish("during", Map.of("id", "during-outage", "collection", "kb", "text", "Written while the index was down."));
            // the record is taken and held on the Kafka route while the store write is retried
            await().atMost(Duration.ofSeconds(30)).until(() -> app.camel().getInflightRepository().size("ingest-kafka") > 0);
            long committedBefore = committedOffsets();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> committedOffsets() == committedBefore && !"INDEXED".equals(status("during-outage")));
            // what the store-down and ingestion-stalled alerts read
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Scrape metrics = Scrape.of(app);
                assertThat(metrics.value("dsp_store_up", "store=\"elasticsearch\"")).isZero();
                assertThat(metrics.value("dsp_kafka_consumer_lag_records", "topic=\"" + DOCUMENTS + "\"")).isEqualTo(1);
                assertThat(metrics.value("camel_exchanges_inflight", "routeId=\"ingest-document\"")).isEqualTo(1);
            });
        } finally {
            elasticsearch.start();
        }
        awaitStatus("during-outage", "INDEXED");
        await().atMost(Duration.ofSeconds(10)).until(() -> Scrape.of(app).value("dsp_store_up", "store=\"elasticsearch\"") == 1);
        assertThat(app.postJson("/api/v1/retrieve", Map.of("query", "index was down", "collection", "kb")).body()
                .path("results").get(0).path("document_id").asText()).isEqualTo("during-outage");
        assertThat(consume(DEAD_LETTERS, 2)).noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("during-outage"));
    }

    @Test
    @Order(5)
    void manifestsLiveInPostgresqlAndTheirChangesAreAnnouncedOnKafkaAndRedis() {
        String manifest = """
                {"manifest": {"project_id": "%1$s-prod", "project_name": "Production check",
                  "modules": [{"module_type": "monitoring", "name": "%1$s-prod-obs-monitoring", "version": "1", "config": {}}]}}
                """.formatted(RUN);
        assertThat(app.send("POST", "/manifests", manifest, Map.of()).status()).isEqualTo(201);
        assertThat(app.get("/manifests/" + RUN + "-prod").header("ETag")).isEqualTo("\"1\"");

        assertThat(consume(EVENTS, 1)).filteredOn(record -> (RUN + "-prod").equals(record.key())).singleElement().satisfies(record -> {
            JsonNode event = json(record.value());
            assertThat(event.path("type").asText()).isEqualTo("manifest.created");
            assertThat(event.path("version").asInt()).isEqualTo(1);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> redisEvents.stream().anyMatch(e -> e.contains("manifest.created")));
    }

    private static void publish(String key, Map<String, Object> document) {
        kafkaClient.publish(DOCUMENTS, key, document);
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int atLeast) {
        return kafkaClient.consume(topic, atLeast);
    }

    private static long committedOffsets() {
        return kafkaClient.committedOffsets(RUN);
    }

    private static List<String> retrieveIds(String query) {
        List<String> ids = new java.util.ArrayList<>();
        app.postJson("/api/v1/retrieve", Map.of("query", query, "collection", "kb", "mode", "keyword")).body()
                .path("results").forEach(r -> ids.add(r.path("document_id").asText()));
        return ids;
    }

    private static JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> status.equals(status(id)));
        return app.get("/api/v1/documents/" + id).body();
    }

    /** From the registry: the ingestion's outcome, whoever may read the document over the API. */
    private static String status(String id) {
        try {
            return app.bean(DocumentRegistry.class).find(id).map(record -> record.status().name()).orElse("absent");
        } catch (StoreUnavailableException e) {
            return "unavailable";
        }
    }

    private static JsonNode json(byte[] value) {
        try {
            return AppHarness.JSON.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
