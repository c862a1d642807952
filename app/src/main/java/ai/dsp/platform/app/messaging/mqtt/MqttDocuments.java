package ai.dsp.platform.app.messaging.mqtt;

import ai.dsp.platform.app.errors.ErrorPolicy;
import ai.dsp.platform.app.messaging.BusMessages;
import ai.dsp.platform.app.messaging.DeadLetters;
import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * The MQTT side of document ingestion, called from {@code routes/ingest-mqtt.camel.yaml}: reads a
 * message into a job (a raw file's attributes are MQTT 5 user properties) and turns a message
 * that cannot be ingested into a dead letter, the error in its user properties. The consumer
 * acknowledges (PUBACK) when the exchange completes, which is after the store (or the broker, for
 * the dead letter) confirmed it.
 */
@Component("mqttDocuments")
public class MqttDocuments {

    /** The route that writes the dead letters of every MQTT source (routes/ingest-mqtt.camel.yaml). */
    static final String DEAD_LETTER_ENDPOINT = "direct:mqtt-dead-letter";
    static final String ORIGINAL_TOPIC = "dsp.original.topic";
    /** Exchange property: the message as it came, for the dead letter. */
    private static final String ORIGINAL = "DspMqttMessage";

    private final BusMessages messages;

    public MqttDocuments(BusMessages messages) {
        this.messages = messages;
    }

    record MqttMessage(byte[] body, String topic, MqttProperties properties) {
    }

    public IngestJob toJob(Exchange exchange) {
        Message message = exchange.getMessage();
        MqttProperties properties = message.getHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES, MqttProperties.class);
        MqttMessage original = new MqttMessage(message.getBody(byte[].class), message.getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class),
                properties == null ? new MqttProperties() : properties);
        exchange.setProperty(ORIGINAL, original);
        // set first: a message that is not even readable as a job is dead-lettered too
        exchange.setProperty(ErrorPolicy.DEAD_LETTER_ENDPOINT, DEAD_LETTER_ENDPOINT);
        String source = "mqtt:" + original.topic();
        return messages.toJob(original.body(), name -> userProperty(original.properties(), name), original.properties().getContentType(),
                source, source + "/" + exchange.getExchangeId());
    }

    /** The message's own payload and properties again, with why it failed and where it came from as user properties. */
    public void deadLetter(Exchange exchange) {
        MqttMessage original = exchange.getProperty(ORIGINAL, MqttMessage.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(ErrorPolicy.DEAD_LETTERING, true);
        MqttProperties properties = new MqttProperties();
        properties.setContentType(original.properties().getContentType());
        List<UserProperty> user = new ArrayList<>(original.properties().getUserProperties());
        user.add(new UserProperty(DeadLetters.REASON, DeadLetters.reason(cause)));
        user.add(new UserProperty(DeadLetters.EXCEPTION, DeadLetters.exception(cause)));
        user.add(new UserProperty(ORIGINAL_TOPIC, String.valueOf(original.topic())));
        properties.setUserProperties(user);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(original.body());
        message.setHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES, properties);
    }

    private static String userProperty(MqttProperties properties, String name) {
        return properties.getUserProperties().stream().filter(p -> p.getKey().equals(name)).map(UserProperty::getValue).findFirst().orElse(null);
    }
}
