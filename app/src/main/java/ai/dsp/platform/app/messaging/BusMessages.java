package ai.dsp.platform.app.messaging;

import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.ingest.MessageIntake;
import org.springframework.stereotype.Component;

import java.util.function.UnaryOperator;

/**
 * What the message buses beside Kafka (AMQP, MQTT) share: a message is a raw file when it names
 * its file in {@link #FILENAME}, with its other attributes in the headers below; any other
 * message is a document JSON, as on Kafka. Header names are the same on every bus (AMQP headers,
 * MQTT 5 user properties).
 */
@Component
public class BusMessages {

    public static final String FILENAME = "dsp.filename";
    public static final String COLLECTION = "dsp.collection";
    public static final String CONTENT_TYPE = "dsp.content-type";
    /** A JSON object of metadata; {@code allowed_groups} and {@code allowed_users} in it are the document's ACL. */
    public static final String METADATA = "dsp.metadata";
    public static final String DOCUMENT_ID = "dsp.document-id";

    private final MessageIntake intake;

    public BusMessages(MessageIntake intake) {
        this.intake = intake;
    }

    /** {@code header} answers a header's value, or null; {@code contentType} is the bus's own content type property, if any. */
    public IngestJob toJob(byte[] body, UnaryOperator<String> header, String contentType, String source, String requestId) {
        String filename = header.apply(FILENAME);
        if (filename == null) {
            return intake.toJob(body, source, requestId);
        }
        String type = header.apply(CONTENT_TYPE) != null ? header.apply(CONTENT_TYPE) : contentType;
        return intake.fileToJob(body, new MessageIntake.FileAttributes(header.apply(DOCUMENT_ID), header.apply(COLLECTION), filename,
                type, header.apply(METADATA)), source, requestId);
    }
}
