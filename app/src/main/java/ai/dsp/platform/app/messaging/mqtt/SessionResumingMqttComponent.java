package ai.dsp.platform.app.messaging.mqtt;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5ComponentConfigurer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5EndpointConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.util.Map;

/**
 * camel-paho-mqtt5 whose consumers resume a persistent session without losing what it delivers.
 * The stock consumer (4.17.0) connects first and sets its message callback afterwards; a resumed
 * session's queued messages arrive right after the CONNACK, Paho drops those that find no
 * callback, and with manual acknowledgements they stay unacknowledged: once they fill the
 * receive maximum, the broker sends nothing more and the consumer stalls. Here the consumer's
 * client connects only when it subscribes, after the callback is in place. Its automatic
 * reconnect is off whatever the endpoint says (its resubscribe in {@code connectComplete} can
 * deadlock), so a consumer whose connection broke is restarted by {@link MqttReconnects}.
 * Producers are the stock ones.
 */
public class SessionResumingMqttComponent extends PahoMqtt5Component {

    /** The stock component's options: Camel finds generated configurers by the component class's annotation, which a subclass lacks. */
    private static final PropertyConfigurer COMPONENT_OPTIONS = new PahoMqtt5ComponentConfigurer();
    private static final PropertyConfigurer ENDPOINT_OPTIONS = new PahoMqtt5EndpointConfigurer();

    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        return COMPONENT_OPTIONS;
    }

    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return ENDPOINT_OPTIONS;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        // as the stock component does: each endpoint its own copy of the shared configuration
        ResumingEndpoint endpoint = new ResumingEndpoint(uri, remaining, this, getConfiguration().copy());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    static final class ResumingEndpoint extends PahoMqtt5Endpoint {

        ResumingEndpoint(String uri, String topic, PahoMqtt5Component component, PahoMqtt5Configuration configuration) {
            super(uri, topic, component, configuration);
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            ResumingConsumer consumer = new ResumingConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }

        MqttClient newConsumerClient() throws MqttException {
            PahoMqtt5Configuration configuration = getConfiguration();
            MqttConnectionOptions options = createMqttConnectionOptions();
            options.setAutomaticReconnect(false);
            String clientId = configuration.getClientId() != null ? configuration.getClientId() : generateClientId();
            ConnectOnSubscribeClient client = new ConnectOnSubscribeClient(configuration.getBrokerUrl(), clientId,
                    createMqttClientPersistence(configuration), options);
            client.setManualAcks(configuration.isManualAcksEnabled());
            return client;
        }
    }

    /** The stock consumer on a client of its own making, which it disconnects and closes when it stops. */
    static final class ResumingConsumer extends PahoMqtt5Consumer {

        ResumingConsumer(ResumingEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        protected void doStart() throws Exception {
            setClient(((ResumingEndpoint) getEndpoint()).newConsumerClient());
            // with a client given, the stock start sets the callback and subscribes: the client connects then
            super.doStart();
        }

        @Override
        protected void doStop() throws Exception {
            MqttClient client = getClient();
            // the stock stop leaves a client it did not create alone
            super.doStop();
            if (client != null) {
                if (client.isConnected()) {
                    // a persistent session keeps its subscription: only disconnect
                    client.disconnect();
                }
                client.close(true);
            }
        }
    }

    /** Connects on the first subscribe, that is after the consumer has set its callback. */
    static final class ConnectOnSubscribeClient extends MqttClient {

        private final MqttConnectionOptions options;

        ConnectOnSubscribeClient(String brokerUrl, String clientId, MqttClientPersistence persistence,
                                 MqttConnectionOptions options) throws MqttException {
            super(brokerUrl, clientId, persistence);
            this.options = options;
        }

        @Override
        public IMqttToken subscribe(String topicFilter, int qos) throws MqttException {
            if (!isConnected()) {
                connect(options);
            }
            return super.subscribe(topicFilter, qos);
        }
    }
}
