package ai.dsp.platform.app;

import ai.dsp.platform.app.ServerSentEvents.Event;
import ai.dsp.platform.testing.OpenAiUpstream;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code POST /api/v1/query} streamed from a chat model (a local server speaking the OpenAI
 * protocol): the model's tokens as deltas with their citations, an upstream failure as an
 * {@code error} event that ends the stream, each event reaching the client while the model is
 * still writing (nothing buffered), and a client that hangs up stopping the model's stream
 * without harm to the platform.
 */
class StreamedLlmAnswerTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final String COLLECTION = "llm-runbooks";
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    static Path work;
    private static OpenAiUpstream model;
    private static AppHarness app;
    private static Path auditFile;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        model = new OpenAiUpstream();
        auditFile = work.resolve("audit.log");
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.audit.file=" + auditFile,
                "--dsp.answer.llm.base-url=" + model.baseUrl(), "--dsp.answer.llm.model=" + MODEL,
                "--dsp.answer.llm.api-key=sk-test-stream-5d1e", "--dsp.answer.llm.timeout=20s");
        StreamedQueryTest.ingest(app, COLLECTION);
        LOGS.start();
        root().addAppender(LOGS);
    }

    @AfterAll
    static void stop() {
        root().detachAppender(LOGS);
        if (app != null) {
            app.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void theModelsTokensAreDeltasWithEachCitationRightAfterItsMarker() throws Exception {
        List<String> tokens = List.of("Restores are tested", " once per quarter [", "1", "]; the service owner",
                " requests them [2].");
        model.otherwise(OpenAiUpstream.stream(tokens));

        List<Event> events;
        try (ServerSentEvents stream = open(Map.of("query", "Who requests restores?", "collection", COLLECTION, "stream", true))) {
            events = stream.rest();
        }

        assertThat(events).extracting(Event::name)
                .containsExactly("sources", "delta", "delta", "delta", "delta", "citation", "delta", "citation", "done");
        assertThat(events).filteredOn(event -> event.name().equals("delta")).extracting(event -> event.data().get("text").asText())
                .containsExactlyElementsOf(tokens);
        JsonNode sources = events.get(0).data().get("sources");
        assertThat(sources).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.get(5).data().get("n").asInt()).isEqualTo(1);
        assertThat(events.get(5).data().get("source")).isEqualTo(sources.get(0));
        assertThat(events.get(7).data().get("n").asInt()).isEqualTo(2);
        assertThat(events.get(7).data().get("source")).isEqualTo(sources.get(1));
        JsonNode done = events.get(8).data();
        assertThat(done.get("generator").asText()).isEqualTo(MODEL);
        assertThat(done.get("citations")).extracting(JsonNode::asInt).containsExactly(1, 2);
        assertThat(done.get("usage").get("completion_tokens").asInt()).isBetween(12, 40);
    }

    @Test
    void anUpstreamThatBreaksOffEndsTheStreamWithAnErrorEvent() throws Exception {
        model.otherwise(OpenAiUpstream.dropMidStream(List.of("Restores are", " tested")));

        List<Event> events;
        try (ServerSentEvents stream = open(Map.of("query", "How often are restores tested?", "collection", COLLECTION, "stream", true))) {
            events = stream.rest();
        }

        assertThat(events).extracting(Event::name).containsExactly("sources", "delta", "delta", "error");
        assertOpenAiError(events.get(3).data());

        model.otherwise(OpenAiUpstream.error(500, "server_error", "The server had an error while processing your request."));
        try (ServerSentEvents stream = open(Map.of("query", "How often are restores tested?", "collection", COLLECTION, "stream", true))) {
            events = stream.rest();
        }
        assertThat(events).extracting(Event::name).containsExactly("sources", "error");
        assertOpenAiError(events.get(1).data());
    }

    @Test
    void theFirstEventReachesTheClientWhileTheModelIsStillWriting() throws Exception {
        CountDownLatch resume = new CountDownLatch(1);
        model.otherwise(model.pausingStream(List.of("Restores"), resume, List.of(" are tested", " quarterly [1]."), Duration.ZERO));

        try (ServerSentEvents stream = open(Map.of("query", "How often are restores tested?", "collection", COLLECTION, "stream", true))) {
            // the model has written one token and waits for this test: only an unbuffered stream
            // can bring it here before the answer is complete
            List<Event> first = assertTimeoutPreemptively(WITHIN, () -> List.of(stream.next(), stream.next()));
            assertThat(first).extracting(Event::name).containsExactly("sources", "delta");
            assertThat(first.get(1).data().get("text").asText()).isEqualTo("Restores");
            assertThat(resume.getCount()).as("the model is still paused").isOne();

            resume.countDown();
            List<Event> rest = stream.rest();
            assertThat(rest).extracting(Event::name).containsExactly("delta", "delta", "citation", "done");
        }
        OpenAiUpstream.StreamOutcome outcome = model.takeStreamOutcome(WITHIN);
        assertThat(outcome.cutByClient()).isFalse();
        assertThat(outcome.tokensWritten()).isEqualTo(3);
    }

    @Test
    void aClientThatHangsUpStopsTheModelsStreamAndThePlatformCarriesOn() throws Exception {
        LOGS.list.clear();
        CountDownLatch resume = new CountDownLatch(1);
        List<String> endless = Collections.nCopies(5_000, " and so on");
        model.otherwise(model.pausingStream(List.of("Restores"), resume, endless, Duration.ofMillis(2)));

        ServerSentEvents stream = open(Map.of("query", "How often are restores tested?", "collection", COLLECTION, "stream", true),
                "client-hangs-up-0001");
        assertThat(assertTimeoutPreemptively(WITHIN, () -> List.of(stream.next(), stream.next())))
                .extracting(Event::name).containsExactly("sources", "delta");
        stream.close();
        resume.countDown();

        // the platform noticed and cancelled its request to the model, long before the model's end
        OpenAiUpstream.StreamOutcome outcome = model.takeStreamOutcome(WITHIN);
        assertThat(outcome.cutByClient()).isTrue();
        assertThat(outcome.tokensWritten()).isLessThan(endless.size());

        List<JsonNode> records = await().atMost(WITHIN).until(() -> audited("client-hangs-up-0001"), r -> !r.isEmpty());
        assertThat(records).hasSize(1);
        assertThat(records.get(0).path("documents")).isNotEmpty();

        model.otherwise(OpenAiUpstream.completion("Restores are tested once per quarter [1]."));
        AppHarness.Reply next = app.postJson("/api/v1/query", Map.of("query", "How often are restores tested?", "collection", COLLECTION));
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body().get("answer").asText()).isEqualTo("Restores are tested once per quarter [1].");
        assertThat(LOGS.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    private static void assertOpenAiError(JsonNode data) {
        assertThat(data.get("error").get("type").asText()).isEqualTo("server_error");
        assertThat(data.get("error").get("code").asText()).isEqualTo("answer_unavailable");
        assertThat(data.get("error").get("message").asText()).contains("could not be completed").doesNotContain(model.baseUrl());
        assertThat(data.get("error").has("param")).isTrue();
        assertThat(data.get("requestId").asText()).isNotBlank();
    }

    private static ServerSentEvents open(Map<String, Object> body) {
        return open(body, "stream-" + System.nanoTime());
    }

    private static ServerSentEvents open(Map<String, Object> body, String requestId) {
        HttpResponse<InputStream> response = app.postStreaming("/api/v1/query", body, Map.of("X-Request-Id", requestId));
        assertThat(response.statusCode()).isEqualTo(200);
        return new ServerSentEvents(response.body());
    }

    private static List<JsonNode> audited(String requestId) throws Exception {
        return AuditRecords.of(auditFile, requestId);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
