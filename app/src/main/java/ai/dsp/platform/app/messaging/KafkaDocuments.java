package ai.dsp.platform.app.messaging;

import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.ingest.MessageIntake;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;

/**
 * The Kafka side of document ingestion, called from {@code routes/ingest-kafka.camel.yaml}: reads
 * a record into a job (keeping the raw record for the dead letters), commits its offset once the
 * store has acknowledged, and turns a record that cannot be ingested into a dead letter.
 */
@Component("kafkaDocuments")
public class KafkaDocuments {

    /** Exchange property: the record being ingested, present only on exchanges that came from Kafka. */
    public static final String RECORD = "DspKafkaRecord";
    /** Exchange property: the record is on its way to the dead-letter topic. */
    public static final String DEAD_LETTERING = "DspKafkaDeadLettering";

    static final String ORIGINAL_TOPIC = "dsp.original.topic";
    static final String ORIGINAL_PARTITION = "dsp.original.partition";
    static final String ORIGINAL_OFFSET = "dsp.original.offset";

    private final MessageIntake intake;

    public KafkaDocuments(MessageIntake intake) {
        this.intake = intake;
    }

    /** What the dead letter needs of the record, and the handle that commits its offset. */
    record KafkaRecord(String topic, Integer partition, Long offset, Object key, byte[] value, KafkaManualCommit commit) {
    }

    public IngestJob toJob(Exchange exchange) {
        Message message = exchange.getMessage();
        KafkaRecord record = new KafkaRecord(
                message.getHeader(KafkaConstants.TOPIC, String.class),
                message.getHeader(KafkaConstants.PARTITION, Integer.class),
                message.getHeader(KafkaConstants.OFFSET, Long.class),
                message.getHeader(KafkaConstants.KEY),
                message.getBody(byte[].class),
                message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class));
        exchange.setProperty(RECORD, record);
        String requestId = "kafka:" + record.topic() + "/" + record.partition() + "/" + record.offset();
        return intake.toJob(record.value(), "kafka:" + record.topic(), requestId);
    }

    /** The store has the document (or the dead-letter topic has the record): the offset may move on. */
    public void commit(Exchange exchange) {
        KafkaRecord record = exchange.getProperty(RECORD, KafkaRecord.class);
        if (record == null || record.commit() == null) {
            throw new IllegalStateException("no Kafka record to commit on this exchange");
        }
        record.commit().commit();
    }

    /** The raw record again, with why it failed and where it came from in headers. */
    public void deadLetter(Exchange exchange) {
        KafkaRecord record = exchange.getProperty(RECORD, KafkaRecord.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(DEAD_LETTERING, true);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(record.value());
        if (record.key() != null) {
            message.setHeader(KafkaConstants.KEY, record.key());
        }
        message.setHeader(DeadLetters.REASON, DeadLetters.reason(cause));
        message.setHeader(DeadLetters.EXCEPTION, DeadLetters.exception(cause));
        message.setHeader(ORIGINAL_TOPIC, record.topic());
        message.setHeader(ORIGINAL_PARTITION, String.valueOf(record.partition()));
        message.setHeader(ORIGINAL_OFFSET, String.valueOf(record.offset()));
    }
}
