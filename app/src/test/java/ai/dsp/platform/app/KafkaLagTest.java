package ai.dsp.platform.app;

import ai.dsp.platform.app.messaging.KafkaLag;
import ai.dsp.platform.metrics.MetricsProperties;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.testing.ChildProcess;
import ai.dsp.platform.testing.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** dsp_kafka_consumer_lag_records read from a real broker: uncommitted records of the group, summed over partitions. */
class KafkaLagTest {

    private static final String TOPIC = "lag-" + ProcessHandle.current().pid();
    private static final String GROUP = TOPIC + "-group";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PlatformMetrics metrics = new PlatformMetrics(registry, new MetricsProperties(null));

    @Test
    void countsWhatTheGroupHasNotCommittedFromTheEarliestOffsetOfAPartitionWithoutCommits() {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic(TOPIC, 2);
        try (KafkaTestClient client = new KafkaTestClient(broker.bootstrapServers());
             KafkaLag lag = new KafkaLag(broker.bootstrapServers(), GROUP, TOPIC, metrics)) {
            for (int i = 0; i < 3; i++) {
                client.publish(TOPIC, 0, "a" + i, "{}".getBytes(StandardCharsets.UTF_8));
            }
            client.publish(TOPIC, 1, "b", "{}".getBytes(StandardCharsets.UTF_8));

            lag.update();
            assertThat(gauge()).isEqualTo(4);

            commit(broker, Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(2)));
            lag.update();
            assertThat(gauge()).isEqualTo(2);
        }
    }

    @Test
    void anUnreachableBrokerKeepsTheLastValueAndThrowsNothing() {
        String closed = "127.0.0.1:" + ChildProcess.freeLoopbackPorts(1)[0];
        metrics.kafkaLag(TOPIC, GROUP, 7);
        try (KafkaLag lag = new KafkaLag(closed, GROUP, TOPIC, metrics)) {
            lag.update();
        }
        assertThat(gauge()).isEqualTo(7);
    }

    private double gauge() {
        return registry.get(PlatformMetrics.KAFKA_CONSUMER_LAG).tags("topic", TOPIC, "group", GROUP).gauge().value();
    }

    private static void commit(KafkaBroker broker, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.commitSync(offsets);
        }
    }
}
