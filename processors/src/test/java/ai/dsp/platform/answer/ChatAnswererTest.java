package ai.dsp.platform.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.dsp.platform.testing.OpenAiUpstream;
import ai.dsp.platform.testing.OpenAiUpstream.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatAnswererTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final String API_KEY = "sk-test-4f9c2a7e1b";
    private static final String QUESTION = "How long are database backups kept?";
    private static final List<Source> SOURCES = List.of(
            new Source(1, "handbook", "handbook:4", "employee-handbook.pdf",
                    "Security awareness training must be completed within 30 days of joining.", 0.81),
            new Source(2, "backup-policy", "backup-policy:0", "backup-policy.md",
                    "Production databases are backed up every night. Nightly backups are retained for 35 days.", 0.77));

    private OpenAiUpstream server;

    @BeforeEach
    void startServer() throws Exception {
        server = new OpenAiUpstream();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void answersFromTheEndpointWithTheCitationsTheModelWrote() throws Exception {
        server.otherwise(OpenAiUpstream.completion("Database backups are kept for 35 days [2]; this applies to nightly backups [2]."));

        Answer answer = answerer(properties()).answer(QUESTION, SOURCES);

        assertThat(answer.text()).isEqualTo("Database backups are kept for 35 days [2]; this applies to nightly backups [2].");
        assertThat(answer.citations()).containsExactly(2);
        assertThat(answer.generator()).isEqualTo(MODEL);
    }

    @Test
    void sendsAGroundedChatCompletionsRequest() throws Exception {
        server.otherwise(OpenAiUpstream.completion("Backups are kept for 35 days [2]."));

        answerer(properties()).answer(QUESTION, SOURCES);

        RecordedRequest request = server.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + API_KEY);
        JsonNode body = request.body();
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        assertThat(body.path("temperature").asDouble(-1)).isZero();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(512);
        assertThat(body.path("stream").asBoolean(false)).isFalse();
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).contains("only", "[2]");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).path("content").asText()).contains(
                QUESTION,
                "[1] (employee-handbook.pdf)\nSecurity awareness training must be completed within 30 days of joining.",
                "[2] (backup-policy.md)\nProduction databases are backed up every night. Nightly backups are retained for 35 days.");
    }

    @Test
    void ignoresCitationsOfSourcesItWasNeverGiven() {
        server.otherwise(OpenAiUpstream.completion("Backups are kept for 35 days [2][5]."));

        Answer answer = answerer(properties()).answer(QUESTION, SOURCES);

        assertThat(answer.citations()).containsExactly(2);
    }

    @Test
    void doesNotCallTheModelWithoutSources() {
        Answer answer = answerer(properties()).answer(QUESTION, List.of());

        assertThat(answer.text()).isEqualTo("No indexed content matches the question.");
        assertThat(answer.citations()).isEmpty();
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aServerErrorMakesTheAnswerUnavailable() {
        server.otherwise(OpenAiUpstream.error(500, "server_error", "The server had an error while processing your request."));

        assertThatThrownBy(() -> answerer(properties()).answer(QUESTION, SOURCES))
                .isInstanceOf(AnswerUnavailableException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining(MODEL)
                .hasMessageContaining("server error");
    }

    @Test
    void aRejectedKeyNeverAppearsInTheError() {
        // Servers quote the offending key back; the message must still not carry it.
        server.otherwise(OpenAiUpstream.error(401, "invalid_api_key", "Incorrect API key provided: " + API_KEY + "."));

        assertThatThrownBy(() -> answerer(properties()).answer(QUESTION, SOURCES))
                .isInstanceOf(AnswerUnavailableException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("API key was rejected")
                .satisfies(e -> assertThat(fullTrace(e)).doesNotContain(API_KEY));
    }

    @Test
    void aSlowEndpointTimesOut() {
        server.otherwise(OpenAiUpstream.hang());
        ChatProperties impatient = properties().withTimeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> answerer(impatient).answer(QUESTION, SOURCES))
                .isInstanceOf(AnswerUnavailableException.class)
                .hasMessageContaining("did not answer within PT0.3S");
    }

    @Test
    void streamsTokensInOrderThenTheAssembledAnswer() throws Exception {
        List<String> tokens = List.of("Database", " backups", " are kept for", " 35 days", " [2]", ".");
        server.otherwise(OpenAiUpstream.stream(tokens));
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Answer> done = new CompletableFuture<>();

        answerer(properties()).stream(QUESTION, SOURCES, received::add, done::complete, done::completeExceptionally);

        Answer answer = done.get(5, TimeUnit.SECONDS);
        assertThat(received).containsExactlyElementsOf(tokens);
        assertThat(answer.text()).isEqualTo("Database backups are kept for 35 days [2].");
        assertThat(answer.citations()).containsExactly(2);
        assertThat(answer.generator()).isEqualTo(MODEL);
        RecordedRequest request = server.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void aStreamWithoutSourcesSaysSoWithoutAskingTheModel() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Answer> done = new CompletableFuture<>();

        answerer(properties()).stream(QUESTION, List.of(), received::add, done::complete, done::completeExceptionally);

        assertThat(done.get(5, TimeUnit.SECONDS).text()).isEqualTo(Answer.NO_MATCHING_CONTENT);
        assertThat(received).containsExactly(Answer.NO_MATCHING_CONTENT);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aStreamRejectedByRateLimitEndsInOnError() throws Exception {
        server.otherwise(OpenAiUpstream.error(429, "rate_limit_exceeded", "Rate limit reached for " + MODEL + "."));
        CompletableFuture<Answer> done = new CompletableFuture<>();

        answerer(properties()).stream(QUESTION, SOURCES, token -> { }, done::complete, done::completeExceptionally);

        assertThat(done).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .havingCause()
                .isInstanceOf(AnswerUnavailableException.class)
                .withMessageContaining("HTTP 429")
                .withMessageContaining("rate limited");
    }

    @Test
    void aConsumerThatFailsMidStreamEndsTheStreamInOnError() throws Exception {
        server.otherwise(OpenAiUpstream.stream(List.of("Backups", " are", " kept", " [2].")));
        IllegalStateException clientGone = new IllegalStateException("client disconnected");
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Answer> done = new CompletableFuture<>();

        answerer(properties()).stream(QUESTION, SOURCES, token -> {
            received.add(token);
            if (received.size() == 2) {
                throw clientGone;
            }
        }, done::complete, done::completeExceptionally);

        assertThat(done).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause().isSameAs(clientGone);
        assertThat(received).containsExactly("Backups", " are");
    }

    @Test
    void anUnreachableEndpointMakesTheAnswerUnavailable() {
        ChatAnswerer answerer = answerer(properties());
        server.close();

        assertThatThrownBy(() -> answerer.answer(QUESTION, SOURCES))
                .isInstanceOf(AnswerUnavailableException.class)
                .hasMessageContaining("request failed: java.net.ConnectException");
    }

    @Test
    void aMissingPromptTemplateFailsAtConstruction(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-prompt.txt");

        assertThatThrownBy(() -> new ChatAnswerer(properties().withPromptTemplate(missing.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("dsp.answer.llm.prompt-template");
    }

    @Test
    void isConfiguredOnlyWithABaseUrl() {
        assertThat(ChatAnswerer.configured(ChatProperties.of(server.baseUrl(), MODEL, API_KEY))).isTrue();
        assertThat(ChatAnswerer.configured(ChatProperties.of(" ", MODEL, API_KEY))).isFalse();
        assertThat(ChatAnswerer.configured(ChatProperties.of(null, MODEL, API_KEY))).isFalse();
        assertThatThrownBy(() -> new ChatAnswerer(ChatProperties.of(server.baseUrl(), "", API_KEY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dsp.answer.llm.model");
    }

    @Test
    void propertiesNeverPrintTheKey() {
        assertThat(properties().toString()).doesNotContain(API_KEY).contains("apiKey=****", MODEL);
    }

    private ChatProperties properties() {
        return ChatProperties.of(server.baseUrl(), MODEL, API_KEY).withPromptTemplate(shippedPromptTemplate());
    }

    private static ChatAnswerer answerer(ChatProperties properties) {
        return new ChatAnswerer(properties);
    }

    // The test exercises the prompt the platform ships, at the repository root's config/.
    private static String shippedPromptTemplate() {
        Path fromModule = Path.of("..").resolve(ChatProperties.DEFAULT_PROMPT_TEMPLATE);
        return Files.exists(fromModule) ? fromModule.toString() : ChatProperties.DEFAULT_PROMPT_TEMPLATE;
    }

    private static String fullTrace(Throwable error) {
        StringBuilder trace = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            trace.append(cause).append('\n');
        }
        return trace.toString();
    }
}
