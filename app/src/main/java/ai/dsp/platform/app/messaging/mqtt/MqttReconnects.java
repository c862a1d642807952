package ai.dsp.platform.app.messaging.mqtt;

import ai.dsp.platform.app.errors.RootCause;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings MQTT consumer routes back after their broker connection broke. Paho's own automatic
 * reconnect cannot be used for consumers: camel-paho-mqtt5 4.17.0 resubscribes inside Paho's
 * {@code connectComplete} callback with a blocking subscribe, and the messages the persistent
 * session delivers at once fill Paho's inbound queue behind it, so the SUBACK is never read and
 * the consumer stalls for good. The platform's consumers therefore never reconnect by themselves
 * ({@link SessionResumingMqttComponent}); this watcher sees a started route whose consumer lost
 * its connection and restarts the route: a new client resumes the persistent session (clean
 * start off), so the broker sends again what was queued or left unacknowledged, and duplicates
 * are admitted as unchanged by the document store. A route the broker refuses stays stopped and
 * is tried again every interval; a route an operator stopped is left alone.
 */
@Component
public class MqttReconnects implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MqttReconnects.class);

    private final MqttProperties properties;
    /** Routes this watcher stopped and must start again. */
    private final Set<String> reconnecting = ConcurrentHashMap.newKeySet();
    private volatile CamelContext camel;

    public MqttReconnects(MqttProperties properties) {
        this.properties = properties;
    }

    @Override
    public void beforeApplicationStart(CamelContext context) {
        camel = context;
    }

    /** On a Camel-managed thread, which stops with the context. */
    @Override
    public void afterApplicationStart(CamelContext context) {
        ScheduledExecutorService watcher = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "mqtt-reconnects");
        long every = properties.reconnectInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("checking the MQTT consumers failed: {}", e.getMessage(), e);
        }
    }

    /** One round: restart what lost its connection, start again what could not connect last time. */
    void check() {
        for (Route route : camel.getRoutes()) {
            if (route.getConsumer() instanceof PahoMqtt5Consumer consumer && started(route.getRouteId()) && disconnected(consumer)) {
                restart(route.getRouteId());
            }
        }
        for (String id : Set.copyOf(reconnecting)) {
            if (camel.getRoute(id) == null || started(id)) {
                reconnecting.remove(id);
            } else {
                start(id);
            }
        }
    }

    private boolean started(String routeId) {
        return camel.getRouteController().getRouteStatus(routeId) == ServiceStatus.Started;
    }

    private static boolean disconnected(PahoMqtt5Consumer consumer) {
        MqttClient client = consumer.getClient();
        return client == null || !client.isConnected();
    }

    private void restart(String routeId) {
        LOG.warn("route {} lost its MQTT broker connection; restarting it to resume its session", routeId);
        reconnecting.add(routeId);
        try {
            // waits for the exchanges in flight (their acknowledgements fail and the broker sends them
            // again), then the consumer closes its lost client
            camel.getRouteController().stopRoute(routeId);
        } catch (Exception e) {
            LOG.warn("route {} did not stop cleanly: {}", routeId, e.getMessage());
        }
        start(routeId);
    }

    private void start(String routeId) {
        try {
            camel.getRouteController().startRoute(routeId);
            reconnecting.remove(routeId);
            LOG.info("route {} reconnected to its MQTT broker", routeId);
        } catch (Exception e) {
            LOG.warn("route {} cannot reconnect to its MQTT broker yet ({}); trying again in {}", routeId, RootCause.message(e),
                    properties.reconnectInterval());
        }
    }
}
