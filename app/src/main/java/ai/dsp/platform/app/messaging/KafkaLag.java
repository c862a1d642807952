package ai.dsp.platform.app.messaging;

import ai.dsp.platform.metrics.PlatformMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code dsp_kafka_consumer_lag_records}: how many records of the documents topic the ingestion
 * group has not committed yet (end offset minus committed offset, summed over partitions; a
 * partition without a commit counts from its earliest offset, where the group would start).
 * Read from the broker, not from this instance's consumers, so every replica reports the whole
 * group's lag and a stalled or dead consumer still shows. Called by routes/operations-probes.camel.yaml.
 */
@Component("kafkaLag")
public class KafkaLag implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLag.class);
    private static final long CALL_TIMEOUT_SECONDS = 5;

    private final String brokers;
    private final String group;
    private final String topic;
    private final PlatformMetrics metrics;
    private Admin admin;

    public KafkaLag(@Value("${dsp.kafka.brokers}") String brokers, @Value("${dsp.kafka.group-id}") String group,
                    @Value("${dsp.kafka.documents-topic}") String topic, PlatformMetrics metrics) {
        this.brokers = brokers;
        this.group = group;
        this.topic = topic;
        this.metrics = metrics;
    }

    /**
     * Reads the group's lag and sets the gauge. An unreachable broker keeps the last value and
     * logs one line a probe (the probe runs every few seconds; a stack trace each time would bury the log).
     */
    public synchronized void update() {
        try {
            metrics.kafkaLag(topic, group, read(admin()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("cannot read the lag of group {} on {}: {}", group, topic, e.getMessage());
        }
    }

    long read(Admin client) throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> partitions = client.describeTopics(List.of(topic)).allTopicNames()
                .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> latest = offsets(client, partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> earliest = offsets(client, partitions, OffsetSpec.earliest());
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata commit = committed.get(partition);
            long position = commit != null ? commit.offset() : earliest.get(partition).offset();
            lag += Math.max(0, latest.get(partition).offset() - position);
        }
        return lag;
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin client, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        return client.listOffsets(request).all().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Made on first use, so a platform without Kafka never connects. */
    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "dsp-lag-probe",
                    // a probe gives up after one call timeout; the next probe tries again
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(CALL_TIMEOUT_SECONDS),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(CALL_TIMEOUT_SECONDS)));
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
