package ai.dsp.platform.app.frontdoor.inference;

import ai.dsp.platform.metrics.MetricsProperties;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.testing.OpenAiUpstream;
import ai.dsp.platform.testing.OpenAiUpstream.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static ai.dsp.platform.testing.OpenAiUpstream.completion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The inference engine against real loopback upstreams that misbehave on demand. */
class InferenceClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-test-4f9a2c7e1b";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PlatformMetrics metrics = new PlatformMetrics(registry, new MetricsProperties(null));
    private final OpenAiUpstream upstream = new OpenAiUpstream();
    private final OpenAiUpstream second = new OpenAiUpstream();
    private final Map<String, InferenceModule> modules = new HashMap<>();
    private final Function<String, Optional<InferenceModule>> lookup = name -> Optional.ofNullable(modules.get(name));

    private UpstreamBreakers breakers = new UpstreamBreakers(new InferenceProperties.Breaker(50, 10, 10, Duration.ofSeconds(30), 1), metrics);
    private InferenceClient client = client(breakers);

    @AfterEach
    void stop() {
        upstream.close();
        second.close();
    }

    @Test
    void theModulesDefaultsFillInWhatTheRequestLeavesOutAndTheKeyGoesUpstream() {
        InferenceModule chat = module("chat", upstream, """
                {"system_prompt": "You answer tersely.", "max_tokens": 256, "temperature": 0.2, "top_p": 0.9}""");

        ChatResult result = client.complete(chat, request("{\"temperature\": 0.7, \"stream\": true, \"user\": \"u-17\"}"), lookup);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.servedBy()).isEqualTo("chat");
        assertThat(result.body().at("/choices/0/message/content").asText()).isEqualTo("ok");
        RecordedRequest sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = sent.body();
        assertThat(body.path("model").asText()).as("the module's model, not the client's name for it").isEqualTo("llama-3.1-8b");
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("You answer tersely.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("What is RAG?");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("temperature").asDouble()).as("the client's own value stays").isEqualTo(0.7);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("stream").asBoolean()).isFalse();
        assertThat(body.path("user").asText()).isEqualTo("u-17");
        assertThat(counter(PlatformMetrics.FRONTDOOR_TOKENS, "module", "chat", "direction", "in")).isEqualTo(12);
        assertThat(counter(PlatformMetrics.FRONTDOOR_TOKENS, "module", "chat", "direction", "out")).isEqualTo(3);
        assertThat(counter(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS, "module", "chat", "upstream_host", upstream.hostPort(), "result", "ok"))
                .isEqualTo(1);
        assertThat(registry.get(PlatformMetrics.FRONTDOOR_UPSTREAM_DURATION).tags("project", "demo", "module", "chat").timer().count())
                .isEqualTo(1);

        ObjectNode own = JSON.createObjectNode();
        own.putArray("messages").addObject().put("role", "developer").put("content", "Answer in French.");
        ((com.fasterxml.jackson.databind.node.ArrayNode) own.get("messages")).addObject().put("role", "user").put("content", "Bonjour");
        own.put("max_completion_tokens", 50);
        client.complete(chat, own, lookup);

        JsonNode again = upstream.lastRequest().body();
        assertThat(again.path("messages")).as("a request with its own system message keeps it alone").hasSize(2);
        assertThat(again.at("/messages/0/content").asText()).isEqualTo("Answer in French.");
        assertThat(again.has("max_tokens")).as("max_completion_tokens stands for max_tokens").isFalse();
        assertThat(again.path("temperature").asDouble()).isEqualTo(0.2);
    }

    @Test
    void aRequestWithoutMessagesIsRefusedWithoutCallingTheUpstream() {
        ChatResult result = client.complete(module("chat", upstream, "{}"), JSON.createObjectNode().put("model", "x"), lookup);

        assertThat(result.status()).isEqualTo(400);
        assertThat(result.body().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void a429IsRepeatedAfterTheRetryAfterItAsksFor() {
        upstream.enqueue(OpenAiUpstream.rateLimited("1"));
        InferenceModule chat = module("chat", upstream, "{}");

        ChatResult result = client.complete(chat, request("{}"), lookup);

        assertThat(result.status()).isEqualTo(200);
        List<RecordedRequest> calls = upstream.requests();
        assertThat(calls).hasSize(2);
        Duration gap = Duration.ofNanos(calls.get(1).receivedNanos() - calls.get(0).receivedNanos());
        assertThat(gap).as("Retry-After: 1 is honoured, not the 20 ms backoff").isBetween(Duration.ofMillis(950), Duration.ofMillis(2_500));
        assertThat(counter(PlatformMetrics.FRONTDOOR_RETRIES, "module", "chat", "reason", "rate_limited")).isEqualTo(1);
    }

    @Test
    void a429ThatLastsIsPassedOnWithItsRetryAfterAndALongerWaitThanTheCapIsNotWaitedFor() {
        upstream.otherwise(OpenAiUpstream.rateLimited("0"));
        ChatResult exhausted = client.complete(module("chat", upstream, "{\"max_retries\": 1}"), request("{}"), lookup);

        assertThat(exhausted.status()).isEqualTo(429);
        assertThat(exhausted.body().at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(exhausted.body().at("/error/code").asText()).isEqualTo("upstream_rate_limited");
        assertThat(upstream.requestCount()).isEqualTo(2);

        upstream.otherwise(OpenAiUpstream.rateLimited("120"));
        ChatResult tooLong = client.complete(module("chat", upstream, "{\"max_retries\": 3}"), request("{}"), lookup);

        assertThat(tooLong.status()).isEqualTo(429);
        assertThat(tooLong.headers()).containsEntry("Retry-After", "120");
        assertThat(upstream.requestCount()).as("two minutes exceed retry-after-max: not repeated").isEqualTo(3);
    }

    @Test
    void a500IsRepeatedWithBackoffUntilTheUpstreamAnswers() {
        upstream.enqueue(OpenAiUpstream.serverError(), OpenAiUpstream.serverError(), completion("third time"));

        ChatResult result = client.complete(module("chat", upstream, "{\"max_retries\": 2}"), request("{}"), lookup);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body().at("/choices/0/message/content").asText()).isEqualTo("third time");
        assertThat(upstream.requestCount()).isEqualTo(3);
        List<RecordedRequest> calls = upstream.requests();
        long firstGap = calls.get(1).receivedNanos() - calls.get(0).receivedNanos();
        long secondGap = calls.get(2).receivedNanos() - calls.get(1).receivedNanos();
        assertThat(Duration.ofNanos(firstGap)).as("at least half of the 20 ms first backoff").isGreaterThanOrEqualTo(Duration.ofMillis(10));
        assertThat(Duration.ofNanos(secondGap)).as("at least half of the doubled backoff").isGreaterThanOrEqualTo(Duration.ofMillis(20));
        assertThat(counter(PlatformMetrics.FRONTDOOR_RETRIES, "module", "chat", "reason", "server_error")).isEqualTo(2);
        assertThat(counter(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS, "module", "chat", "upstream_host", upstream.hostPort(),
                "result", "server_error")).isEqualTo(2);
    }

    @Test
    void aServerErrorThatLastsBecomes502AndAClosedPortIsAConnectionErrorThatIsRepeated() {
        upstream.otherwise(OpenAiUpstream.serverError());
        ChatResult failing = client.complete(module("chat", upstream, "{\"max_retries\": 1}"), request("{}"), lookup);

        assertThat(failing.status()).isEqualTo(502);
        assertThat(failing.body().at("/error/code").asText()).isEqualTo("upstream_server_error");
        assertThat(failing.body().at("/error/message").asText()).contains("chat").contains("HTTP 500");

        InferenceModule gone = module("gone", second, "{\"max_retries\": 2}");
        second.close();
        ChatResult unreachable = client.complete(gone, request("{}"), lookup);

        assertThat(unreachable.status()).isEqualTo(502);
        assertThat(unreachable.body().at("/error/code").asText()).isEqualTo("upstream_unreachable");
        assertThat(counter(PlatformMetrics.FRONTDOOR_RETRIES, "module", "gone", "reason", "connect_error")).isEqualTo(2);
    }

    @Test
    void aConnectionDroppedBeforeTheAnswerIsRepeated() {
        upstream.enqueue(OpenAiUpstream.drop());

        ChatResult result = client.complete(module("chat", upstream, "{}"), request("{}"), lookup);

        assertThat(result.status()).isEqualTo(200);
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(counter(PlatformMetrics.FRONTDOOR_RETRIES, "module", "chat", "reason", "connect_error")).isEqualTo(1);
    }

    @Test
    void aModuleThatKeepsFailingHandsTheRequestToItsFallbackWithTheFallbacksOwnModelAndKey() {
        upstream.otherwise(OpenAiUpstream.serverError());
        second.otherwise(completion("from the fallback"));
        InferenceModule primary = module("chat", upstream, "{\"max_retries\": 1, \"fallbacks\": [\"missing\", \"chat-backup\"]}");
        module("chat-backup", second, "{\"model_name\": \"mixtral-8x7b\", \"api_key\": \"sk-backup-77aa\"}");

        ChatResult result = client.complete(primary, request("{}"), lookup);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.servedBy()).isEqualTo("chat-backup");
        assertThat(result.body().at("/choices/0/message/content").asText()).isEqualTo("from the fallback");
        assertThat(upstream.requestCount()).as("the first module's own retries come first").isEqualTo(2);
        assertThat(second.requestCount()).isEqualTo(1);
        assertThat(second.lastRequest().body().path("model").asText()).isEqualTo("mixtral-8x7b");
        assertThat(second.lastRequest().header("Authorization")).isEqualTo("Bearer sk-backup-77aa");
        assertThat(counter(PlatformMetrics.FRONTDOOR_FALLBACKS, "module", "chat")).isEqualTo(1);
        assertThat(counter(PlatformMetrics.FRONTDOOR_TOKENS, "module", "chat-backup", "direction", "out")).isEqualTo(3);
    }

    @Test
    void aClientErrorOfTheUpstreamIsPassedOnWithoutRetryOrFallbackAndWithoutTheKey() {
        upstream.otherwise(OpenAiUpstream.error(400, "invalid_request_error",
                "This model's maximum context length is 8192 tokens (request made with key " + KEY + ")"));
        InferenceModule chat = module("chat", upstream, "{\"fallbacks\": [\"chat-backup\"]}");
        module("chat-backup", second, "{}");

        ChatResult result = client.complete(chat, request("{}"), lookup);

        assertThat(result.status()).isEqualTo(400);
        assertThat(result.body().at("/error/message").asText()).contains("maximum context length").doesNotContain(KEY);
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(second.requestCount()).isZero();
    }

    @Test
    void anUpstreamRefusingTheKeyIsA502ThatDoesNotShowTheKey() {
        upstream.otherwise(OpenAiUpstream.error(401, "invalid_api_key", "Incorrect API key provided: " + KEY));

        ChatResult result = client.complete(module("chat", upstream, "{}"), request("{}"), lookup);

        assertThat(result.status()).isEqualTo(502);
        assertThat(result.body().at("/error/code").asText()).isEqualTo("upstream_auth_failed");
        assertThat(result.body().toString()).doesNotContain(KEY).doesNotContain("sk-");
        assertThat(upstream.requestCount()).as("a refused key is not retried").isEqualTo(1);
        assertThat(counter(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS, "module", "chat", "upstream_host", upstream.hostPort(),
                "result", "auth_error")).isEqualTo(1);
    }

    @Test
    void malformedJsonFromTheUpstreamIsA502() {
        upstream.otherwise(OpenAiUpstream.malformedJson());

        ChatResult result = client.complete(module("chat", upstream, "{}"), request("{}"), lookup);

        assertThat(result.status()).isEqualTo(502);
        assertThat(result.body().at("/error/type").asText()).isEqualTo("upstream_error");
        assertThat(result.body().at("/error/code").asText()).isEqualTo("invalid_upstream_response");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void aSlowFirstByteIsA504() {
        upstream.otherwise(OpenAiUpstream.delayed(Duration.ofSeconds(3), completion("late")));
        InferenceModule chat = module("chat", upstream, "{\"first_byte_timeout_ms\": 300, \"max_retries\": 0}");

        long start = System.nanoTime();
        ChatResult result = client.complete(chat, request("{}"), lookup);

        assertThat(result.status()).isEqualTo(504);
        assertThat(result.body().at("/error/type").asText()).isEqualTo("timeout");
        assertThat(result.body().at("/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_000));
        assertThat(counter(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS, "module", "chat", "upstream_host", upstream.hostPort(),
                "result", "timeout")).isEqualTo(1);
    }

    @Test
    void anAnswerThatStallsAfterItsHeadersHitsTheTotalTimeoutAndIsA504() {
        upstream.otherwise(OpenAiUpstream.stall(200, "application/json", "{\"id\": \"chatcmpl-1\","));
        InferenceModule chat = module("chat", upstream, "{\"first_byte_timeout_ms\": 5000, \"timeout_ms\": 400, \"max_retries\": 0}");

        long start = System.nanoTime();
        ChatResult result = client.complete(chat, request("{}"), lookup);

        assertThat(result.status()).isEqualTo(504);
        assertThat(result.body().at("/error/message").asText()).contains("400 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void theBreakerOpensAfterFailuresStopsCallingAndClosesAgainAfterSuccessesInHalfOpen() {
        breakers = new UpstreamBreakers(new InferenceProperties.Breaker(50, 3, 3, Duration.ofMillis(400), 2), metrics);
        client = client(breakers);
        upstream.otherwise(OpenAiUpstream.serverError());
        InferenceModule chat = module("chat", upstream, "{\"max_retries\": 0}");

        for (int i = 0; i < 3; i++) {
            assertThat(client.complete(chat, request("{}"), lookup).status()).isEqualTo(502);
        }
        assertThat(breakers.state(chat)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breakerGauge()).isEqualTo(2);

        ChatResult refused = client.complete(chat, request("{}"), lookup);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body().at("/error/code").asText()).isEqualTo("circuit_open");
        assertThat(upstream.requestCount()).as("no call while open").isEqualTo(3);
        assertThat(counter(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS, "module", "chat", "upstream_host", upstream.hostPort(),
                "result", "breaker_open")).isEqualTo(1);

        upstream.otherwise(completion("healthy again"));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> client.complete(chat, request("{}"), lookup).status() == 200);
        assertThat(breakers.state(chat)).as("one of two trial calls done").isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breakerGauge()).isEqualTo(1);
        assertThat(upstream.requestCount()).isEqualTo(4);

        assertThat(client.complete(chat, request("{}"), lookup).status()).isEqualTo(200);
        assertThat(breakers.state(chat)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breakerGauge()).isZero();
    }

    @Test
    void anOpenBreakerSendsTheRequestStraightToTheFallbackAndModulesOnOneUpstreamShareIt() {
        breakers = new UpstreamBreakers(new InferenceProperties.Breaker(50, 2, 2, Duration.ofSeconds(30), 1), metrics);
        client = client(breakers);
        upstream.otherwise(OpenAiUpstream.serverError());
        InferenceModule chat = module("chat", upstream, "{\"max_retries\": 0, \"fallbacks\": [\"chat-backup\"]}");
        InferenceModule sibling = module("summarise", upstream, "{\"max_retries\": 0}");
        module("chat-backup", second, "{}");
        client.complete(sibling, request("{}"), lookup);
        client.complete(sibling, request("{}"), lookup);
        assertThat(breakers.state(chat)).as("the sibling's failures opened the shared upstream's breaker").isEqualTo(CircuitBreaker.State.OPEN);

        ChatResult result = client.complete(chat, request("{}"), lookup);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.servedBy()).isEqualTo("chat-backup");
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(counter(PlatformMetrics.FRONTDOOR_FALLBACKS, "module", "chat")).isEqualTo(1);
    }

    @Test
    void aStreamPassesThroughUnbufferedWithItsFirstTokenTimeAndUsage() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch sentLast = new CountDownLatch(1);
        AtomicLong lastPendingAtFirstChunk = new AtomicLong(-1);
        upstream.otherwise(OpenAiUpstream.streamGated(List.of("Retrieval", "-augmented", " generation"), gate, sentLast));
        RecordingSink sink = new RecordingSink(first -> {
            lastPendingAtFirstChunk.set(sentLast.getCount());
            gate.countDown();
        });

        StreamResult result = client.stream(module("chat", upstream, "{}"), request("{}"), lookup, sink);

        assertThat(lastPendingAtFirstChunk.get()).as("the first chunk reached the client while the upstream held back the last").isEqualTo(1);
        assertThat(result).isEqualTo(new StreamResult(200, "chat", true));
        assertThat(sink.status).isEqualTo(200);
        assertThat(sink.headers).containsEntry("Content-Type", "text/event-stream");
        assertThat(sink.ended).isTrue();
        assertThat(sink.chunks).allSatisfy(chunk -> assertThat(chunk).as("whole events only").endsWith("\n\n"));
        assertThat(OpenAiUpstream.streamedText(sink.body())).isEqualTo("Retrieval-augmented generation");
        assertThat(sink.body()).endsWith("data: [DONE]\n\n");
        assertThat(upstream.lastRequest().body().path("stream").asBoolean()).isTrue();
        assertThat(upstream.lastRequest().header("Accept")).isEqualTo("text/event-stream");
        assertThat(registry.get(PlatformMetrics.FRONTDOOR_TIME_TO_FIRST_TOKEN).tags("project", "demo", "module", "chat").timer().count())
                .isEqualTo(1);
        assertThat(counter(PlatformMetrics.FRONTDOOR_TOKENS, "module", "chat", "direction", "in")).isEqualTo(5);
        assertThat(counter(PlatformMetrics.FRONTDOOR_TOKENS, "module", "chat", "direction", "out")).isEqualTo(3);
    }

    @Test
    void aStreamCutMidWayEndsWithAnErrorEventAndIsNotRepeated() throws Exception {
        upstream.enqueue(OpenAiUpstream.dropMidStream(List.of("Hel", "lo")));
        upstream.otherwise(OpenAiUpstream.stream(List.of("never", "sent")));
        InferenceModule chat = module("chat", upstream, "{\"max_retries\": 2, \"fallbacks\": [\"chat-backup\"]}");
        module("chat-backup", second, "{}");
        RecordingSink sink = new RecordingSink();

        StreamResult result = client.stream(chat, request("{}"), lookup, sink);

        assertThat(result).isEqualTo(new StreamResult(200, "chat", false));
        assertThat(sink.status).isEqualTo(200);
        assertThat(sink.ended).isTrue();
        assertThat(OpenAiUpstream.streamedText(String.join("", sink.chunks.subList(0, sink.chunks.size() - 1)))).isEqualTo("Hello");
        assertThat(sink.lastChunk()).startsWith("data: {\"error\":").endsWith("\n\n");
        JsonNode error = JSON.readTree(sink.lastChunk().substring("data: ".length()));
        assertThat(error.at("/error/code").asText()).isEqualTo("upstream_stream_cut");
        assertThat(upstream.requestCount()).as("called once: bytes had gone to the client").isEqualTo(1);
        assertThat(second.requestCount()).isZero();
        assertThat(counter(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS, "module", "chat", "upstream_host", upstream.hostPort(),
                "result", "stream_cut")).isEqualTo(1);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstByteIsRepeatedAndThenFallsBack() {
        upstream.otherwise(OpenAiUpstream.drop());
        second.otherwise(OpenAiUpstream.stream(List.of("from ", "backup")));
        InferenceModule chat = module("chat", upstream, "{\"max_retries\": 1, \"fallbacks\": [\"chat-backup\"]}");
        module("chat-backup", second, "{}");
        RecordingSink sink = new RecordingSink();

        StreamResult result = client.stream(chat, request("{}"), lookup, sink);

        assertThat(result).isEqualTo(new StreamResult(200, "chat-backup", true));
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(sink.body()).contains("from ").contains("backup").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aStreamWithoutAFirstByteAndOneThatStallsMidWayAreTimeouts() throws Exception {
        upstream.otherwise(OpenAiUpstream.stall(200, "text/event-stream", ""));
        RecordingSink silent = new RecordingSink();

        StreamResult none = client.stream(module("chat", upstream, "{\"first_byte_timeout_ms\": 300, \"max_retries\": 0}"), request("{}"),
                lookup, silent);

        assertThat(none.status()).isEqualTo(504);
        assertThat(silent.status).isEqualTo(504);
        assertThat(silent.headers).containsEntry("Content-Type", "application/json");
        assertThat(JSON.readTree(silent.body()).at("/error/type").asText()).isEqualTo("timeout");

        upstream.otherwise(OpenAiUpstream.stall(200, "text/event-stream", "data: {\"choices\": [{\"delta\": {\"content\": \"Hi\"}}]}\n\n"));
        RecordingSink stalled = new RecordingSink();

        StreamResult cut = client.stream(module("chat", upstream, "{\"timeout_ms\": 400, \"max_retries\": 2}"), request("{}"), lookup, stalled);

        assertThat(cut).isEqualTo(new StreamResult(200, "chat", false));
        assertThat(stalled.chunks.get(0)).contains("Hi");
        assertThat(JSON.readTree(stalled.lastChunk().substring("data: ".length())).at("/error/type").asText()).isEqualTo("timeout");
        assertThat(upstream.requestCount()).as("one each: the stalled stream had started").isEqualTo(2);
    }

    @Test
    void aStreamAnsweredWithAnErrorGivesTheSinkAJsonError() throws Exception {
        upstream.otherwise(OpenAiUpstream.error(401, "invalid_api_key", "Incorrect API key provided: " + KEY));
        RecordingSink sink = new RecordingSink();

        StreamResult result = client.stream(module("chat", upstream, "{}"), request("{}"), lookup, sink);

        assertThat(result.status()).isEqualTo(502);
        assertThat(sink.status).isEqualTo(502);
        assertThat(sink.ended).isTrue();
        assertThat(sink.body()).doesNotContain(KEY);
        assertThat(JSON.readTree(sink.body()).at("/error/code").asText()).isEqualTo("upstream_auth_failed");
    }

    @Test
    void aClientThatGoesAwayMidStreamCancelsTheUpstreamCall() {
        upstream.otherwise(OpenAiUpstream.stream(List.of("a", "b", "c", "d"), Duration.ofMillis(50)));
        StreamSink leaving = new StreamSink() {
            private int writes;

            @Override
            public void headers(int status, Map<String, String> headers) {
            }

            @Override
            public void write(byte[] chunk) {
                if (++writes == 2) {
                    throw new IllegalStateException("broken pipe");
                }
            }

            @Override
            public void end() {
                throw new AssertionError("no end for a client that left");
            }
        };

        StreamResult result = client.stream(module("chat", upstream, "{}"), request("{}"), lookup, leaving);

        assertThat(result).isEqualTo(new StreamResult(200, "chat", false));
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(breakers.state(module("chat", upstream, "{}"))).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aConfigWithoutAnEndpointOrModelIsRefusedAndTheKeyStaysOutOfToString() {
        assertThatThrownBy(() -> client.module("demo", "chat", JSON.readTree("{\"model_name\": \"m\"}")))
                .isInstanceOf(InvalidInferenceModuleException.class).hasMessageContaining("config.endpoint_url is missing");
        assertThatThrownBy(() -> client.module("demo", "chat", JSON.readTree("{\"endpoint_url\": \"ftp://x/v1\", \"model_name\": \"m\"}")))
                .hasMessageContaining("http(s)");
        assertThatThrownBy(() -> client.module("demo", "chat",
                JSON.readTree("{\"endpoint_url\": \"http://x/v1\", \"model_name\": \"m\", \"timeout_ms\": \"soon\"}")))
                .hasMessageContaining("timeout_ms");

        InferenceModule chat = module("chat", upstream, "{\"timeout_ms\": \"1500\", \"temperature\": \"0.3\"}");
        assertThat(chat.timeout()).as("numeric text, as a resolved placeholder gives").isEqualTo(Duration.ofMillis(1500));
        assertThat(chat.temperature()).isEqualTo(0.3);
        assertThat(chat.maxRetries()).isEqualTo(2);
        assertThat(chat.toString()).doesNotContain(KEY).contains(upstream.hostPort());
        assertThat(chat.chatCompletionsUri().toString()).isEqualTo(upstream.baseUrl() + "/chat/completions");
    }

    private InferenceClient client(UpstreamBreakers breakers) {
        InferenceProperties properties = new InferenceProperties(null, null, null, null, Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofSeconds(3), null, null);
        return new InferenceClient(properties, breakers, metrics, Clock.systemUTC());
    }

    /** A module of project {@code demo} on {@code at}, with a model and the test key unless {@code extra} says otherwise. */
    private InferenceModule module(String name, OpenAiUpstream at, String extra) {
        try {
            ObjectNode config = JSON.createObjectNode().put("endpoint_url", at.baseUrl()).put("model_name", "llama-3.1-8b").put("api_key", KEY);
            config.setAll((ObjectNode) JSON.readTree(extra));
            InferenceModule module = client.module("demo", name, config);
            modules.put(name, module);
            return module;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ObjectNode request(String extra) {
        try {
            ObjectNode request = JSON.createObjectNode().put("model", "demo/chat");
            request.putArray("messages").addObject().put("role", "user").put("content", "What is RAG?");
            request.setAll((ObjectNode) JSON.readTree(extra));
            return request;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private double counter(String name, String... tags) {
        String[] all = new String[tags.length + 2];
        all[0] = "project";
        all[1] = "demo";
        System.arraycopy(tags, 0, all, 2, tags.length);
        var counter = registry.find(name).tags(all).counter();
        return counter == null ? 0 : counter.count();
    }

    private double breakerGauge() {
        return registry.get(PlatformMetrics.FRONTDOOR_BREAKER_STATE).tag("upstream", upstream.hostPort()).gauge().value();
    }
}
