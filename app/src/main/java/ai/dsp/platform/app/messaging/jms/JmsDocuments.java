package ai.dsp.platform.app.messaging.jms;

import ai.dsp.platform.app.errors.ErrorPolicy;
import ai.dsp.platform.app.messaging.DeadLetters;
import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.ingest.MessageIntake;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JMS side of document ingestion, called from {@code routes/ingest-jms.camel.yaml}: a message
 * (document JSON, or a raw document described by {@code dsp_*} properties) becomes a job, and a
 * message that cannot be ingested becomes a dead letter: the original body and properties plus
 * why it failed. The message is acknowledged by the route's transaction, only when the store or
 * the dead-letter queue has taken it.
 */
@Component("jmsDocuments")
public class JmsDocuments {

    /** The route that writes a dead letter, for the error policy. */
    static final String DEAD_LETTER_ROUTE = "direct:jms-dead-letter";

    static final String REASON = "dsp_error_reason";
    static final String EXCEPTION = "dsp_error_exception";
    static final String ORIGINAL_QUEUE = "dsp_original_queue";
    static final String ORIGINAL_MESSAGE_ID = "dsp_original_message_id";

    /** Exchange property: the message as it arrived, for the dead letter. */
    private static final String ORIGINAL = "DspJmsOriginal";

    private final MessageIntake intake;

    public JmsDocuments(MessageIntake intake) {
        this.intake = intake;
    }

    /** What a dead letter needs of the message: its body as it came (text or bytes), its own properties, where it came from. */
    record Original(Object body, Map<String, Object> properties, String messageId, String destination) {
    }

    public IngestJob toJob(Exchange exchange) {
        Message message = exchange.getMessage();
        String messageId = message.getHeader(JmsConstants.JMS_HEADER_MESSAGE_ID, String.class);
        String destination = destination(message);
        exchange.setProperty(ORIGINAL, new Original(message.getBody(), userProperties(message), messageId, destination));
        exchange.setProperty(ErrorPolicy.DEAD_LETTER_ENDPOINT, DEAD_LETTER_ROUTE);
        return intake.toJob(message.getBody(byte[].class), name -> message.getHeader(name, String.class),
                "jms:" + destination, "jms:" + messageId);
    }

    /** The message again, with why it failed and where it came from as properties. */
    public void deadLetter(Exchange exchange) {
        Original original = exchange.getProperty(ORIGINAL, Original.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = DeadLetters.reason(exchange);
        exchange.setProperty(ErrorPolicy.DEAD_LETTERING, true);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(original.body());
        message.setHeaders(new LinkedHashMap<>(original.properties()));
        message.setHeader(REASON, reason);
        message.setHeader(EXCEPTION, cause == null ? "none" : cause.getClass().getName());
        message.setHeader(ORIGINAL_QUEUE, original.destination());
        message.setHeader(ORIGINAL_MESSAGE_ID, String.valueOf(original.messageId()));
    }

    /** The queue (or topic) the message came from: a route may consume any, examples/ show a second queue. */
    private static String destination(Message message) {
        Object destination = message.getHeader(JmsConstants.JMS_HEADER_DESTINATION);
        try {
            if (destination instanceof Queue queue) {
                return queue.getQueueName();
            }
            if (destination instanceof Topic topic) {
                return topic.getTopicName();
            }
        } catch (JMSException e) {
            throw new IllegalStateException("the message's destination has no name", e);
        }
        return String.valueOf(destination);
    }

    /** The sender's properties; the JMS headers, the broker's (_AMQ_*) and Camel's own belong to the original delivery only. */
    private static Map<String, Object> userProperties(Message message) {
        Map<String, Object> properties = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (!name.startsWith("JMS") && !name.startsWith("_") && !name.regionMatches(true, 0, "Camel", 0, 5) && value != null) {
                properties.put(name, value);
            }
        });
        return properties;
    }
}
