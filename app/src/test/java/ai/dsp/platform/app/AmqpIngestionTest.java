package ai.dsp.platform.app;

import ai.dsp.platform.document.DocumentRejectedException;
import ai.dsp.platform.testing.RabbitMqServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * AMQP ingestion end to end on a real RabbitMQ node of this test's own (so that it may restart
 * it), through the official Java client: documents (JSON and raw files with headers) become
 * indexed and announced on the events exchange, a poison message lands in the dead-letter queue
 * with its error in headers while the next one flows, and a broker restart in the middle of a
 * stream loses and duplicates nothing.
 */
class AmqpIngestionTest {

    private static final String RUN = "amqp" + ProcessHandle.current().pid();
    private static final String EXCHANGE = RUN + ".documents";
    private static final String ROUTING_KEY = "documents";
    private static final String DEAD_LETTER_QUEUE = RUN + ".dlq";
    private static final String EVENTS_EXCHANGE = RUN + ".events";

    @TempDir
    static Path work;
    static RabbitMqServer rabbit;
    static AppHarness app;

    @BeforeAll
    static void start() {
        rabbit = new RabbitMqServer();
        rabbit.startOwn();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.amqp.enabled=true",
                "--dsp.amqp.host=127.0.0.1",
                "--dsp.amqp.port=" + rabbit.port(),
                "--dsp.amqp.username=" + RabbitMqServer.USERNAME,
                "--dsp.amqp.password=" + RabbitMqServer.PASSWORD,
                "--dsp.amqp.exchange=" + EXCHANGE,
                "--dsp.amqp.queue=" + RUN + ".documents",
                "--dsp.amqp.routing-key=" + ROUTING_KEY,
                "--dsp.amqp.dead-letter-exchange=" + RUN + ".dlx",
                "--dsp.amqp.dead-letter-queue=" + DEAD_LETTER_QUEUE,
                "--dsp.amqp.events-exchange=" + EVENTS_EXCHANGE);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (rabbit != null) {
            rabbit.close();
        }
    }

    @Test
    void aDocumentJsonAndARawFileWithHeadersBecomeIndexedAndAnnounced() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            String events = channel.queueDeclare().getQueue();
            channel.exchangeDeclare(EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
            channel.queueBind(events, EVENTS_EXCHANGE, "#");

            publish(channel, json(Map.of("id", "amqp-json", "collection", "amqp", "filename", "json.md",
                    "text", "Lighthouses guide ships along rocky coasts at night.")), Map.of());
            publish(channel, "Tide tables predict high and low water for harbours.".getBytes(StandardCharsets.UTF_8),
                    Map.of("dsp.filename", "tides.txt", "dsp.collection", "amqp", "dsp.content-type", "text/plain",
                            "dsp.metadata", "{\"source\": \"harbour-office\"}"));

            IndexedDocuments.awaitIndexed(app, "amqp-json");
            String fileId = IndexedDocuments.awaitFileIndexed(app, "amqp", "tides.txt");
            JsonNode file = app.get("/api/v1/documents/" + fileId).body();
            assertThat(file.path("metadata").path("source").asText()).isEqualTo("harbour-office");
            JsonNode answer = app.postJson("/api/v1/retrieve", Map.of("query", "high and low water", "collection", "amqp", "k", 1)).body();
            assertThat(answer.path("results").get(0).path("document_id").asText()).isEqualTo(fileId);

            Set<String> announced = new HashSet<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                GetResponse event = channel.basicGet(events, true);
                if (event != null) {
                    JsonNode body = AppHarness.JSON.readTree(event.getBody());
                    if ("document.indexed".equals(body.path("type").asText())) {
                        announced.add(body.path("documentId").asText());
                    }
                }
                return announced.containsAll(List.of("amqp-json", fileId));
            });
        }
    }

    @Test
    void aPoisonMessageIsDeadLetteredWithItsErrorAndTheNextMessageStillFlows() throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            byte[] poison = "this is not a document".getBytes(StandardCharsets.UTF_8);
            publish(channel, poison, Map.of("trace", "poison-1"));
            publish(channel, json(Map.of("id", "after-poison", "collection", "amqp", "text", "Buoys mark the channel.")), Map.of());

            IndexedDocuments.awaitIndexed(app, "after-poison");
            GetResponse dead = await().atMost(Duration.ofSeconds(20)).until(() -> channel.basicGet(DEAD_LETTER_QUEUE, true),
                    response -> response != null);
            assertThat(dead.getBody()).isEqualTo(poison);
            Map<String, Object> headers = dead.getProps().getHeaders();
            assertThat(String.valueOf(headers.get("dsp.error.reason"))).contains("not a document JSON object");
            assertThat(String.valueOf(headers.get("dsp.error.exception"))).isEqualTo(DocumentRejectedException.class.getName());
            assertThat(String.valueOf(headers.get("dsp.original.exchange"))).isEqualTo(EXCHANGE);
            assertThat(String.valueOf(headers.get("trace"))).isEqualTo("poison-1");
            assertThat(channel.basicGet(DEAD_LETTER_QUEUE, true)).as("one dead letter only").isNull();
            assertThat(Scrape.of(app).value("dsp_dead_letters_total", "route=\"ingest-amqp\"")).isEqualTo(1);
        }
    }

    @Test
    void aBrokerRestartInTheMiddleOfAStreamLosesNothingAndDuplicatesNothing() throws Exception {
        int documents = 30;
        List<String> ids = IntStream.range(0, documents).mapToObj(i -> "stream-" + i).toList();
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            for (String id : ids.subList(0, documents / 2)) {
                publish(channel, streamDocument(id), Map.of());
            }
        }
        // some of the first half are in flight, some still queued, when the node goes down
        IndexedDocuments.awaitIndexed(app, ids.get(0));
        rabbit.restart();
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            for (String id : ids.subList(documents / 2, documents)) {
                publish(channel, streamDocument(id), Map.of());
            }
        }
        IndexedDocuments.awaitAllIndexed(app, "stream", ids, Duration.ofSeconds(120));

        JsonNode page = app.get("/api/v1/documents?collection=stream&limit=100").body();
        assertThat(page.path("total").asInt()).isEqualTo(documents);
        JsonNode results = app.postJson("/api/v1/retrieve", Map.of("query", "harbour pilot boat", "collection", "stream",
                "k", 100, "mode", "dense")).body().path("results");
        List<String> chunkIds = IntStream.range(0, results.size()).mapToObj(i -> results.get(i).path("chunk_id").asText()).toList();
        assertThat(chunkIds).as("each document's one chunk, once")
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> id + ":0").collect(Collectors.toList()));
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            assertThat(channel.queueDeclarePassive(RUN + ".documents").getMessageCount()).as("queue drained").isZero();
            assertThat(channel.queueDeclarePassive(DEAD_LETTER_QUEUE).getMessageCount()).as("nothing dead-lettered").isZero();
        }
    }

    private static byte[] streamDocument(String id) throws IOException {
        return json(Map.of("id", id, "collection", "stream", "text", "The harbour pilot boat " + id + " meets ships at the breakwater."));
    }

    private static Connection connect() throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(rabbit.port());
        factory.setUsername(RabbitMqServer.USERNAME);
        factory.setPassword(RabbitMqServer.PASSWORD);
        return factory.newConnection("amqp-ingestion-test");
    }

    /** Persistent and confirmed: once this returns, the broker has the message on disk. */
    private static void publish(Channel channel, byte[] body, Map<String, Object> headers) throws Exception {
        channel.confirmSelect();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2).headers(headers).build();
        channel.basicPublish(EXCHANGE, ROUTING_KEY, true, properties, body);
        channel.waitForConfirmsOrDie(10_000);
    }

    private static byte[] json(Map<String, Object> document) throws IOException {
        return AppHarness.JSON.writeValueAsBytes(document);
    }
}
