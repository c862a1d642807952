package ai.dsp.platform.app;

import ai.dsp.platform.ingest.RawDocumentHeaders;
import ai.dsp.platform.testing.ArtemisBroker;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JMS ingestion against a real Artemis broker with authentication: document JSON and raw file
 * messages become indexed documents; a poison message goes to the platform's dead-letter queue
 * with its reason and the next message still flows; a message whose dead letter the platform
 * cannot write is rolled back to the broker, which dead-letters it after its delivery attempts; a broker restart
 * in the middle of a stream loses no document and indexes none twice.
 */
class JmsIngestionTest {

    private static final String RUN = "j" + ProcessHandle.current().pid();
    private static final String DOCUMENTS = RUN + ".documents";
    private static final String DEAD_LETTERS = RUN + ".documents.dlq";
    private static final String BROKER_DEAD_LETTERS = RUN + ".broker.dlq";
    private static final int MAX_DELIVERY_ATTEMPTS = 3;

    @TempDir
    static Path work;

    private static ArtemisBroker broker;
    private static AppHarness app;
    private static IndexedEvents events;

    @BeforeAll
    static void start() throws Exception {
        broker = new ArtemisBroker(BROKER_DEAD_LETTERS, MAX_DELIVERY_ATTEMPTS);
        broker.start();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.jms.enabled=true",
                "--dsp.jms.broker-url=" + broker.url(),
                "--dsp.jms.username=" + ArtemisBroker.USER,
                "--dsp.jms.password=" + ArtemisBroker.PASSWORD,
                "--dsp.jms.documents-queue=" + DOCUMENTS,
                "--dsp.jms.dead-letter-queue=" + DEAD_LETTERS);
        events = IndexedEvents.capture(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void documentJsonAndARawFileBecomeIndexedDocuments() throws Exception {
        try (Client client = new Client()) {
            client.sendText(DOCUMENTS, AppHarness.JSON.writeValueAsString(Map.of("id", "jms-json", "collection", "jms",
                    "filename", "ferries.md", "text", "Ferries leave the harbour at dawn and return at dusk.")), Map.of());
            client.sendBytes(DOCUMENTS, "Lighthouse keepers trim the lamp wick every evening.".getBytes(StandardCharsets.UTF_8),
                    Map.of(RawDocumentHeaders.FILENAME, "lighthouse.txt", RawDocumentHeaders.COLLECTION, "jms",
                            RawDocumentHeaders.CONTENT_TYPE, "text/plain", RawDocumentHeaders.DOCUMENT_ID, "jms-raw",
                            RawDocumentHeaders.METADATA, "{\"team\": \"coast\"}"));
        }

        IndexedDocuments.awaitIndexed(app, "jms-json");
        IndexedDocuments.awaitIndexed(app, "jms-raw");
        JsonNode hit = app.postJson("/api/v1/retrieve", Map.of("query", "lighthouse lamp wick", "collection", "jms", "mode", "keyword"))
                .body().path("results").get(0);
        assertThat(hit.path("document_id").asText()).isEqualTo("jms-raw");
        assertThat(app.get("/api/v1/documents/jms-raw").body().path("metadata").path("team").asText()).isEqualTo("coast");
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.messageCount(DOCUMENTS) == 0);
    }

    @Test
    void aPoisonMessageIsDeadLetteredWithItsReasonAndTheNextOneStillFlows() throws Exception {
        try (Client client = new Client()) {
            client.sendText(DOCUMENTS, "this is not JSON", Map.of("origin", "poison-test"));
            client.sendText(DOCUMENTS, AppHarness.JSON.writeValueAsString(Map.of("id", "after-poison", "collection", "jms-poison",
                    "text", "The message after the poison one is indexed all the same.")), Map.of());

            IndexedDocuments.awaitIndexed(app, "after-poison");
            Message deadLetter = client.receive(DEAD_LETTERS, Duration.ofSeconds(30));
            assertThat(deadLetter).as("dead letter").isNotNull();
            assertThat(((TextMessage) deadLetter).getText()).isEqualTo("this is not JSON");
            assertThat(deadLetter.getStringProperty("dsp_error_reason")).contains("not a document JSON object");
            assertThat(deadLetter.getStringProperty("dsp_error_exception")).endsWith("DocumentRejectedException");
            assertThat(deadLetter.getStringProperty("dsp_original_queue")).isEqualTo(DOCUMENTS);
            assertThat(deadLetter.getStringProperty("dsp_original_message_id")).startsWith("ID:");
            assertThat(deadLetter.getStringProperty("origin")).as("the sender's properties are kept").isEqualTo("poison-test");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.messageCount(DOCUMENTS) == 0);
    }

    @Test
    void aDeadLetterThatCannotBeWrittenIsRolledBackUntilTheBrokerDeadLettersTheMessage() throws Exception {
        broker.denySend(DEAD_LETTERS);
        try (Client client = new Client()) {
            client.sendText(DOCUMENTS, "{\"text\": 42, broken", Map.of("origin", "unwritable-dead-letter"));
            await().atMost(Duration.ofSeconds(90)).until(() -> broker.messageCount(BROKER_DEAD_LETTERS) == 1);
            broker.allowSend(DEAD_LETTERS);

            Message deadLetter = client.receive(BROKER_DEAD_LETTERS, Duration.ofSeconds(10));
            assertThat(((TextMessage) deadLetter).getText()).isEqualTo("{\"text\": 42, broken");
            assertThat(deadLetter.getStringProperty("origin")).isEqualTo("unwritable-dead-letter");
            assertThat(deadLetter.getStringProperty("_AMQ_ORIG_QUEUE")).as("moved there by the broker").isEqualTo(DOCUMENTS);
        } finally {
            broker.allowSend(DEAD_LETTERS);
        }
        assertThat(broker.messageCount(DOCUMENTS)).isZero();
        assertThat(broker.messageCount(DEAD_LETTERS)).as("the platform wrote no dead letter of it").isZero();
    }

    @Test
    void aBrokerRestartInTheMiddleOfAStreamLosesNothingAndDuplicatesNothing() throws Exception {
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> "stream-" + i).toList();
        try (Client client = new Client()) {
            for (String id : ids.subList(0, 12)) {
                client.sendText(DOCUMENTS, document(id), Map.of());
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> events.documentIds().size() >= 3);

        broker.stop();
        broker.start();
        try (Client client = new Client()) {
            for (String id : ids.subList(12, ids.size())) {
                client.sendText(DOCUMENTS, document(id), Map.of());
            }
        }

        IndexedDocuments.awaitAllIndexed(app, "jms-stream", ids, Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.messageCount(DOCUMENTS) == 0);
        Map<String, Long> indexedTimes = events.documentIds().stream().filter(ids::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(indexedTimes).as("each document indexed exactly once").hasSize(ids.size()).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
        JsonNode page = app.get("/api/v1/documents?collection=jms-stream&limit=100").body();
        assertThat(page.path("total").asLong()).isEqualTo(ids.size());
        assertThat(broker.messageCount(DEAD_LETTERS)).isZero();
    }

    @Test
    void theExampleSecondQueueRouteFeedsTheSamePipeline() throws Exception {
        PluginHelper.getRoutesLoader(app.camel())
                .loadRoutes(PluginHelper.getResourceLoader(app.camel()).resolveResource("file:routes/examples/ingest-jms-second-queue.camel.yaml"));
        try (Client client = new Client()) {
            client.sendText("legal.documents", AppHarness.JSON.writeValueAsString(Map.of("id", "legal-memo", "collection", "legal",
                    "text", "The memo on contract renewals is indexed from the second queue.")), Map.of());
            client.sendText("legal.documents", "not a document", Map.of());
            IndexedDocuments.awaitIndexed(app, "legal-memo");
            Message deadLetter = client.receive(DEAD_LETTERS, Duration.ofSeconds(30));
            assertThat(deadLetter.getStringProperty("dsp_original_queue")).isEqualTo("legal.documents");
        }
        assertThat(app.get("/api/v1/documents/legal-memo").body().path("source").asText()).isEqualTo("jms:legal.documents");
    }

    private static String document(String id) throws Exception {
        return AppHarness.JSON.writeValueAsString(Map.of("id", id, "collection", "jms-stream",
                "text", "Stream document " + id + " about tides, harbours and the ferries of the coast."));
    }

    /** A plain JMS client of the broker, as a producer of documents would be. */
    private static final class Client implements AutoCloseable {

        private final Connection connection;
        private final Session session;

        Client() throws JMSException {
            connection = new ActiveMQConnectionFactory(broker.url(), ArtemisBroker.USER, ArtemisBroker.PASSWORD).createConnection();
            connection.start();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        }

        void sendText(String queue, String text, Map<String, String> properties) throws JMSException {
            TextMessage message = session.createTextMessage(text);
            send(queue, message, properties);
        }

        void sendBytes(String queue, byte[] body, Map<String, String> properties) throws JMSException {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(body);
            send(queue, message, properties);
        }

        private void send(String queue, Message message, Map<String, String> properties) throws JMSException {
            for (Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
                producer.send(message);
            }
        }

        Message receive(String queue, Duration timeout) throws JMSException {
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
                return consumer.receive(timeout.toMillis());
            }
        }

        @Override
        public void close() throws JMSException {
            connection.close();
        }
    }
}
