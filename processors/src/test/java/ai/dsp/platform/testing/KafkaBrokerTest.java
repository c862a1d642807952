package ai.dsp.platform.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBrokerTest {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBroker broker = KafkaBroker.shared();
    private final String topic = "harness-" + UUID.randomUUID();
    private final String group = "harness-group-" + UUID.randomUUID();

    @Test
    void producesWithAcksAllAndConsumesInAConsumerGroupAcrossTwoPartitions() throws Exception {
        broker.createTopic(topic, 2);

        produce(new ProducerRecord<>(topic, 0, "a", "one"),
                new ProducerRecord<>(topic, 1, "b", "two"),
                new ProducerRecord<>(topic, 0, "c", "three"));
        List<ConsumerRecord<String, String>> consumed = consumeAndCommit(3);

        assertThat(consumed).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("one", "two", "three");
        assertThat(consumed).extracting(ConsumerRecord::partition).containsOnly(0, 1);
        assertThat(committedOffsets()).containsOnly(
                Map.entry(new TopicPartition(topic, 0), 2L),
                Map.entry(new TopicPartition(topic, 1), 1L));
    }

    @SafeVarargs
    private void produce(ProducerRecord<String, String>... records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record).get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** poll() is the wait: it blocks until records arrive or its timeout ends. */
    private List<ConsumerRecord<String, String>> consumeAndCommit(int expected) {
        List<ConsumerRecord<String, String>> consumed = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(CONSUME_TIMEOUT);
            while (consumed.size() < expected && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(consumed::add);
            }
            consumer.commitSync();
        }
        return consumed;
    }

    private Map<TopicPartition, Long> committedOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
        }
    }
}
