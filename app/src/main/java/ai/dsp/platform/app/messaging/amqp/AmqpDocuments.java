package ai.dsp.platform.app.messaging.amqp;

import ai.dsp.platform.app.errors.ErrorPolicy;
import ai.dsp.platform.app.messaging.BusMessages;
import ai.dsp.platform.app.messaging.DeadLetters;
import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AMQP side of document ingestion, called from {@code routes/ingest-amqp.camel.yaml}: reads a
 * message into a job (keeping the raw message for the dead letter) and turns a message that cannot
 * be ingested into a dead letter. The listener container acknowledges the message when its
 * exchange completes, which is after the store (or the dead-letter exchange) confirmed it.
 */
@Component("amqpDocuments")
public class AmqpDocuments {

    /** The route that writes the dead letters of every AMQP source (routes/ingest-amqp.camel.yaml). */
    static final String DEAD_LETTER_ENDPOINT = "direct:amqp-dead-letter";
    static final String ORIGINAL_EXCHANGE = "dsp.original.exchange";
    static final String ORIGINAL_ROUTING_KEY = "dsp.original.routing-key";
    /** Exchange property: the message as it came, for the dead letter. */
    private static final String ORIGINAL = "DspAmqpMessage";

    private final BusMessages messages;

    public AmqpDocuments(BusMessages messages) {
        this.messages = messages;
    }

    record AmqpMessage(byte[] body, Map<String, Object> headers, String exchange, String routingKey) {
    }

    public IngestJob toJob(Exchange exchange) {
        Message message = exchange.getMessage();
        AmqpMessage original = new AmqpMessage(message.getBody(byte[].class), new LinkedHashMap<>(message.getHeaders()),
                message.getHeader(SpringRabbitMQConstants.EXCHANGE_NAME, String.class),
                message.getHeader(SpringRabbitMQConstants.ROUTING_KEY, String.class));
        exchange.setProperty(ORIGINAL, original);
        // set first: a message that is not even readable as a job is dead-lettered too
        exchange.setProperty(ErrorPolicy.DEAD_LETTER_ENDPOINT, DEAD_LETTER_ENDPOINT);
        String source = "amqp:" + original.exchange() + "/" + original.routingKey();
        return messages.toJob(original.body(), name -> header(original, name),
                message.getHeader(SpringRabbitMQConstants.CONTENT_TYPE, String.class), source,
                source + "/" + message.getHeader(SpringRabbitMQConstants.DELIVERY_TAG));
    }

    /** The message's own body and headers again, with why it failed and where it came from. */
    public void deadLetter(Exchange exchange) {
        AmqpMessage original = exchange.getProperty(ORIGINAL, AmqpMessage.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(ErrorPolicy.DEAD_LETTERING, true);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(original.body());
        original.headers().forEach((name, value) -> {
            // the broker's delivery details (CamelSpringRabbitmq*) are not the message's headers, but its content type is
            if (!name.startsWith("Camel") || name.equals(SpringRabbitMQConstants.CONTENT_TYPE)) {
                message.setHeader(name, value);
            }
        });
        message.setHeader(DeadLetters.REASON, DeadLetters.reason(cause));
        message.setHeader(DeadLetters.EXCEPTION, DeadLetters.exception(cause));
        if (original.exchange() != null) {
            message.setHeader(ORIGINAL_EXCHANGE, original.exchange());
        }
        if (original.routingKey() != null) {
            message.setHeader(ORIGINAL_ROUTING_KEY, original.routingKey());
        }
    }

    private static String header(AmqpMessage message, String name) {
        Object value = message.headers().get(name);
        return value == null ? null : value.toString();
    }
}
