package ai.dsp.platform.app;

import ai.dsp.platform.document.DocumentRejectedException;
import ai.dsp.platform.testing.MosquittoServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 5 ingestion end to end on a real Mosquitto of this test's own (so that it may restart it),
 * through the Eclipse Paho MQTT 5 client: documents (JSON and raw files with user properties)
 * become indexed and announced on the events topic, a poison message lands on the dead-letter
 * topic with its error in user properties while the next one flows, and a broker restart in the
 * middle of a stream loses and duplicates nothing (QoS 1 in a persistent session).
 */
class MqttIngestionTest {

    private static final String RUN = "mqtt" + ProcessHandle.current().pid();
    private static final String DOCUMENTS = RUN + "/documents";
    private static final String DEAD_LETTERS = RUN + "/dead-letters";
    private static final String EVENTS = RUN + "/events";

    @TempDir
    static Path work;
    static MosquittoServer mosquitto;
    static AppHarness app;

    @BeforeAll
    static void start() {
        mosquitto = new MosquittoServer();
        mosquitto.startOwn();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.mqtt.enabled=true",
                "--dsp.mqtt.broker-url=" + mosquitto.url(),
                "--dsp.mqtt.client-id=" + RUN,
                "--dsp.mqtt.documents-topic=" + DOCUMENTS,
                "--dsp.mqtt.dead-letter-topic=" + DEAD_LETTERS,
                "--dsp.mqtt.events-topic=" + EVENTS,
                "--dsp.mqtt.reconnect-interval=1s");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void aDocumentJsonAndARawFileWithUserPropertiesBecomeIndexedAndAnnounced() throws Exception {
        BlockingQueue<MqttMessage> events = new LinkedBlockingQueue<>();
        MqttClient client = connect("events");
        try {
            subscribe(client, EVENTS, events);
            publish(client, json(Map.of("id", "mqtt-json", "collection", "mqtt", "filename", "json.md",
                    "text", "Weather stations report wind speed every ten minutes.")), Map.of(), null);
            publish(client, "Rain gauges measure rainfall in millimetres per hour.".getBytes(StandardCharsets.UTF_8),
                    Map.of("dsp.filename", "rain.txt", "dsp.collection", "mqtt", "dsp.metadata", "{\"station\": \"north\"}"), "text/plain");

            IndexedDocuments.awaitIndexed(app, "mqtt-json");
            String fileId = IndexedDocuments.awaitFileIndexed(app, "mqtt", "rain.txt");
            JsonNode file = app.get("/api/v1/documents/" + fileId).body();
            assertThat(file.path("metadata").path("station").asText()).isEqualTo("north");
            JsonNode answer = app.postJson("/api/v1/retrieve", Map.of("query", "rainfall millimetres", "collection", "mqtt", "k", 1)).body();
            assertThat(answer.path("results").get(0).path("document_id").asText()).isEqualTo(fileId);

            Set<String> announced = new HashSet<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                MqttMessage event = events.poll(1, TimeUnit.SECONDS);
                if (event != null) {
                    JsonNode body = AppHarness.JSON.readTree(event.getPayload());
                    if ("document.indexed".equals(body.path("type").asText())) {
                        announced.add(body.path("documentId").asText());
                    }
                }
                return announced.containsAll(List.of("mqtt-json", fileId));
            });
        } finally {
            close(client);
        }
    }

    @Test
    void aPoisonMessageIsDeadLetteredWithItsErrorInUserPropertiesAndTheNextMessageStillFlows() throws Exception {
        BlockingQueue<MqttMessage> deadLetters = new LinkedBlockingQueue<>();
        MqttClient client = connect("dead-letters");
        try {
            subscribe(client, DEAD_LETTERS, deadLetters);
            byte[] poison = "this is not a document".getBytes(StandardCharsets.UTF_8);
            publish(client, poison, Map.of("trace", "poison-1"), null);
            publish(client, json(Map.of("id", "after-poison", "collection", "mqtt", "text", "Anemometers spin in the wind.")), Map.of(), null);

            IndexedDocuments.awaitIndexed(app, "after-poison");
            MqttMessage dead = deadLetters.poll(20, TimeUnit.SECONDS);
            assertThat(dead).as("a dead letter").isNotNull();
            assertThat(dead.getPayload()).isEqualTo(poison);
            Map<String, String> properties = dead.getProperties().getUserProperties().stream()
                    .collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue));
            assertThat(properties.get("dsp.error.reason")).contains("not a document JSON object");
            assertThat(properties.get("dsp.error.exception")).isEqualTo(DocumentRejectedException.class.getName());
            assertThat(properties.get("dsp.original.topic")).isEqualTo(DOCUMENTS);
            assertThat(properties.get("trace")).isEqualTo("poison-1");
            assertThat(deadLetters.poll(1, TimeUnit.SECONDS)).as("one dead letter only").isNull();
            assertThat(Scrape.of(app).value("dsp_dead_letters_total", "route=\"ingest-mqtt\"")).isEqualTo(1);
        } finally {
            close(client);
        }
    }

    @Test
    void aBrokerRestartInTheMiddleOfAStreamLosesNothingAndDuplicatesNothing() throws Exception {
        int documents = 30;
        List<String> ids = IntStream.range(0, documents).mapToObj(i -> "stream-" + i).toList();
        MqttClient first = connect("stream-1");
        for (String id : ids.subList(0, documents / 2)) {
            publish(first, streamDocument(id), Map.of(), null);
        }
        close(first);
        // some of the first half are in flight, some still queued for the platform's session, when the broker goes down
        IndexedDocuments.awaitIndexed(app, ids.get(0));
        // away for longer than two reconnect intervals, so the consumer route fails to reconnect at least once
        mosquitto.restart(Duration.ofSeconds(5));
        MqttClient second = connect("stream-2");
        for (String id : ids.subList(documents / 2, documents)) {
            publish(second, streamDocument(id), Map.of(), null);
        }
        close(second);
        IndexedDocuments.awaitAllIndexed(app, "stream", ids, Duration.ofSeconds(120));

        JsonNode page = app.get("/api/v1/documents?collection=stream&limit=100").body();
        assertThat(page.path("total").asInt()).isEqualTo(documents);
        JsonNode results = app.postJson("/api/v1/retrieve", Map.of("query", "tide gauge harbour", "collection", "stream",
                "k", 100, "mode", "dense")).body().path("results");
        List<String> chunkIds = IntStream.range(0, results.size()).mapToObj(i -> results.get(i).path("chunk_id").asText()).toList();
        assertThat(chunkIds).as("each document's one chunk, once")
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> id + ":0").collect(Collectors.toList()));
    }

    private static byte[] streamDocument(String id) throws Exception {
        return json(Map.of("id", id, "collection", "stream", "text", "The tide gauge " + id + " records the harbour water level."));
    }

    private static MqttClient connect(String name) throws Exception {
        MqttClient client = new MqttClient(mosquitto.url(), RUN + "-test-" + name, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        return client;
    }

    private static void subscribe(MqttClient client, String topic, BlockingQueue<MqttMessage> into) throws Exception {
        IMqttMessageListener listener = (t, message) -> into.add(message);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 1)}, new IMqttMessageListener[] {listener});
    }

    /** QoS 1: once this returns, the broker has acknowledged the message. */
    private static void publish(MqttClient client, byte[] payload, Map<String, String> userProperties, String contentType) throws Exception {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(userProperties.entrySet().stream().map(e -> new UserProperty(e.getKey(), e.getValue())).toList());
        properties.setContentType(contentType);
        message.setProperties(properties);
        client.publish(DOCUMENTS, message);
    }

    private static void close(MqttClient client) throws Exception {
        client.disconnect();
        client.close();
    }

    private static byte[] json(Map<String, Object> document) throws Exception {
        return AppHarness.JSON.writeValueAsBytes(document);
    }
}
