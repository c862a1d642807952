package ai.dsp.platform.app;

import ai.dsp.platform.testing.ElasticsearchServer;
import ai.dsp.platform.testing.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The production profile against real servers: Kafka (KRaft) and Elasticsearch 8.19 started by
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
    private static final String REDIS_URL = "redis://127.0.0.1:6379";

    @TempDir
    static Path work;

    private static ElasticsearchServer elasticsearch;
    private static KafkaBroker kafka;
    private static AppHarness app;
    private static KafkaProducer<String, byte[]> producer;
    private static RedisClient redis;
    private static StatefulRedisPubSubConnection<String, String> subscription;
    private static final List<String> redisEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPlatform() {
        elasticsearch = ElasticsearchServer.shared();
        kafka = KafkaBroker.shared();
        kafka.createTopic(DOCUMENTS, 3);
        kafka.createTopic(DEAD_LETTERS, 1);
        kafka.createTopic(EVENTS, 1);
        redis = RedisClient.create(REDIS_URL);
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
                "--spring.data.redis.url=" + REDIS_URL,
                "--dsp.redis.events-channel=" + CHANNEL);
        producer = new KafkaProducer<>(producerConfig());
    }

    @AfterAll
    static void stopPlatform() {
        if (app != null) {
            app.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (subscription != null) {
            subscription.close();
            redis.shutdown();
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

        AppHarness.Reply answer = app.postJson("/api/v1/query", Map.of("query", "how do I connect to the VPN", "collection", "kb"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("sources").get(0).path("document_id").asText()).isEqualTo("vpn-guide");
        AppHarness.Reply filtered = app.postJson("/api/v1/retrieve", Map.of("query", "receipt report", "collection", "kb",
                "filter", Map.of("allowed_groups", "staff")));
        assertThat(filtered.body().path("results")).extracting(r -> r.path("document_id").asText()).containsOnly("vpn-guide");
        assertThat(app.get("/health").body().path("store").path("chunks").path("kb").asLong()).isEqualTo(2);

        List<JsonNode> events = consume(EVENTS, 2).stream().map(r -> json(r.value())).toList();
        assertThat(events).extracting(e -> e.path("type").asText()).containsOnly("document.indexed");
        assertThat(events).extracting(e -> e.path("documentId").asText()).containsExactlyInAnyOrder("vpn-guide", "expenses");
        await().atMost(Duration.ofSeconds(10)).until(() -> redisEvents.stream().filter(e -> e.contains("vpn-guide")).count() == 1);
    }

    @Test
    @Order(2)
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheRecordsAfterItAreIndexed() {
        producer.send(new ProducerRecord<>(DOCUMENTS, 0, "poison", "{not json".getBytes(StandardCharsets.UTF_8)));
        publishTo(0, "after-poison", Map.of("id", "after-poison", "collection", "kb", "text", "Printers are on the second floor."));

        awaitStatus("after-poison", "INDEXED");
        ConsumerRecord<String, byte[]> dead = consume(DEAD_LETTERS, 1).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(dead, "dsp.error.reason")).contains("not a document JSON object");
        assertThat(header(dead, "dsp.error.exception")).isEqualTo("ai.dsp.platform.document.DocumentRejectedException");
        assertThat(header(dead, "dsp.original.topic")).isEqualTo(DOCUMENTS);
        assertThat(header(dead, "dsp.original.partition")).isEqualTo("0");
        assertThat(header(dead, "dsp.original.offset")).matches("\\d+");
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
            assertThat(header(dead, "dsp.error.exception")).isEqualTo("ai.dsp.platform.store.ChunksRejectedException");
        });
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
        } finally {
            elasticsearch.start();
        }
        awaitStatus("during-outage", "INDEXED");
        assertThat(app.postJson("/api/v1/retrieve", Map.of("query", "index was down", "collection", "kb")).body()
                .path("results").get(0).path("document_id").asText()).isEqualTo("during-outage");
        assertThat(consume(DEAD_LETTERS, 2)).noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("during-outage"));
    }

    private static void publish(String key, Map<String, Object> document) {
        send(new ProducerRecord<>(DOCUMENTS, key, bytes(document)));
    }

    private static void publishTo(int partition, String key, Map<String, Object> document) {
        send(new ProducerRecord<>(DOCUMENTS, partition, key, bytes(document)));
    }

    private static void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to Kafka", e);
        }
    }

    private static JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> status.equals(status(id)));
        return app.get("/api/v1/documents/" + id).body();
    }

    private static String status(String id) {
        AppHarness.Reply reply = app.get("/api/v1/documents/" + id);
        return reply.status() == 200 ? reply.body().path("status").asText() : "absent:" + reply.status();
    }

    /** Every record of the topic from the start, once at least {@code atLeast} have arrived. */
    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int atLeast) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, RUN + "-reader-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // whatever else is already there, so "exactly n" assertions can fail
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    private static long committedOffsets() {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(RUN)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the consumer group's offsets", e);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    private static byte[] bytes(Map<String, Object> document) {
        try {
            return AppHarness.JSON.writeValueAsBytes(document);
        } catch (Exception e) {
            throw new IllegalStateException(e);
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
