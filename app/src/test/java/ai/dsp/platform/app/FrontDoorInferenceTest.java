package ai.dsp.platform.app;

import ai.dsp.platform.testing.OpenAiUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * Inference modules and a weighted ensemble through the Front Door on the running platform,
 * against local servers speaking the OpenAI protocol: the module's config applied, a fallback,
 * an ensemble whose members disagree, one that times out, all failing, and the policy.
 */
class FrontDoorInferenceTest {

    @TempDir
    static Path work;
    static AppHarness app;
    static AppHarness reader;
    static OpenAiUpstream fast;
    static OpenAiUpstream large;
    static OpenAiUpstream slow;
    static Path audit;

    @BeforeAll
    static void start() {
        fast = new OpenAiUpstream();
        large = new OpenAiUpstream();
        slow = new OpenAiUpstream();
        audit = work.resolve("audit.log");
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.audit.file=" + audit, "--dsp.front-door.ensemble.timeout=3000",
                "--dsp.front-door.inference.retry-initial-delay=10ms", "--dsp.front-door.inference.retry-max-delay=20ms",
                // the tests' failing upstreams must not open a breaker for the tests after them (InferenceClientTest tests the breaker)
                "--dsp.front-door.inference.breaker.minimum-calls=1000");
        String manifest = """
                {"manifest": {"project_id": "infer", "project_name": "Inference", "environment": "development",
                  "environments": {"development": {"urls": {"fast": "%s", "large": "%s", "slow": "%s"}, "secrets": {"key": "sk-upstream-secret"}}},
                  "modules": [
                    {"module_type": "inference_endpoint", "name": "infer-fast-inference_endpoint", "version": "1",
                     "config": {"endpoint_url": "${environments.${environment}.urls.fast}", "model_name": "fast-model",
                                "api_key": "${environments.${environment}.secrets.key}", "system_prompt": "Be brief.", "max_tokens": 64,
                                "max_retries": 1, "fallbacks": ["infer-large-inference_endpoint"]}},
                    {"module_type": "inference_endpoint", "name": "infer-large-inference_endpoint", "version": "1",
                     "config": {"endpoint_url": "${environments.${environment}.urls.large}", "model_name": "large-model", "max_retries": 0}},
                    {"module_type": "inference_endpoint", "name": "infer-slow-inference_endpoint", "version": "1",
                     "config": {"endpoint_url": "${environments.${environment}.urls.slow}", "model_name": "slow-model", "max_retries": 0}},
                    {"module_type": "inference_endpoint", "name": "infer-vote-inference_endpoint", "version": "1",
                     "dependencies": ["infer-fast-inference_endpoint", "infer-large-inference_endpoint", "infer-slow-inference_endpoint"],
                     "config": {"strategy": "weighted_ensemble", "aggregation": "vote_and_score", "max_tokens": 32,
                                "models": [{"name": "infer-large-inference_endpoint", "weight": 0.5},
                                           {"name": "infer-fast-inference_endpoint", "weight": 0.3},
                                           {"name": "infer-slow-inference_endpoint", "weight": 0.25}]}}
                  ]}}""".formatted(fast.baseUrl(), large.baseUrl(), slow.baseUrl());
        AppHarness.Reply created = app.send("POST", "/manifests", manifest, Map.of());
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        assertThat(app.postJson("/policies/add", Map.of("client_id", "infer_policy", "policy_content", """
                project: infer
                roles: {user: [infer]}
                user_roles: {reader: user}
                allowed_resources: {inference_endpoint: [fast-model, infer-vote-inference_endpoint, large-model]}
                """)).status()).isEqualTo(201);
        reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
    }

    @AfterAll
    static void stop() {
        app.close();
        fast.close();
        large.close();
        slow.close();
    }

    @BeforeEach
    void answerNormally() {
        fast.otherwise(OpenAiUpstream.completion("Paris is the capital of France."));
        large.otherwise(OpenAiUpstream.completion("The capital of France is Paris."));
        slow.otherwise(OpenAiUpstream.completion("France's capital is Lyon, on the Rhone."));
    }

    private static Map<String, Object> chat(String model, String question) {
        return Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", question)));
    }

    @Test
    void anInferenceModuleCallsItsUpstreamWithItsConfig() {
        int before = fast.requestCount();
        AppHarness.Reply reply = reader.postJson("/infer/infer-fast-inference_endpoint/v1/chat/completions", chat("anything", "Capital of France?"));
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        assertThat(reply.body().at("/choices/0/message/content").asText()).isEqualTo("Paris is the capital of France.");
        assertThat(fast.requestCount()).isEqualTo(before + 1);
        OpenAiUpstream.RecordedRequest sent = fast.lastRequest();
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-upstream-secret");
        assertThat(sent.body().path("model").asText()).isEqualTo("fast-model");
        assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(64);
        assertThat(sent.body().at("/messages/0/content").asText()).isEqualTo("Be brief.");

        AppHarness.Reply root = reader.postJson("/v1/chat/completions", chat("infer/infer-fast-inference_endpoint", "Capital of France?"));
        assertThat(root.status()).isEqualTo(200);
        assertThat(reader.get("/v1/models").body().path("data")).extracting(model -> model.path("id").asText())
                .contains("infer/infer-fast-inference_endpoint", "infer/infer-vote-inference_endpoint");
    }

    /** The data lines of a stream, one per event, as they arrive. */
    private static BufferedReader lines(HttpResponse<InputStream> response) {
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    private static String nextData(BufferedReader lines) throws IOException {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        return null;
    }

    @Test
    void aStreamedChatPassesTheUpstreamsEventsThroughAsTheyCome() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch sentLast = new CountDownLatch(1);
        fast.enqueue(OpenAiUpstream.streamGated(List.of("Par", "is", "."), gate, sentLast));
        Map<String, Object> request = new HashMap<>(chat("infer/infer-fast-inference_endpoint", "Capital of France?"));
        request.put("stream", true);
        HttpResponse<InputStream> response = reader.postStreaming("/v1/chat/completions", request, Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader events = lines(response)) {
            JsonNode first = AppHarness.JSON.readTree(nextData(events));
            assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("Par");
            // the upstream still holds its last token: what arrived was not buffered
            assertThat(sentLast.getCount()).isEqualTo(1);
            gate.countDown();
            StringBuilder text = new StringBuilder("Par");
            List<String> rest = new ArrayList<>();
            for (String data = nextData(events); data != null; data = nextData(events)) {
                rest.add(data);
                if (!data.equals("[DONE]")) {
                    text.append(AppHarness.JSON.readTree(data).at("/choices/0/delta/content").asText(""));
                }
            }
            assertThat(rest).last().isEqualTo("[DONE]");
            assertThat(text.toString()).isEqualTo("Paris.");
        }
    }

    @Test
    void aStreamedEnsembleStreamsTheChosenAnswerAfterTheVote() throws Exception {
        Map<String, Object> request = new HashMap<>(chat("infer/infer-vote-inference_endpoint", "Capital of France?"));
        request.put("stream", true);
        HttpResponse<InputStream> response = reader.postStreaming("/v1/chat/completions", request, Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader events = lines(response)) {
            JsonNode text = AppHarness.JSON.readTree(nextData(events));
            assertThat(text.at("/choices/0/delta/content").asText()).isEqualTo("The capital of France is Paris.");
            JsonNode last = AppHarness.JSON.readTree(nextData(events));
            assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            assertThat(last.at("/ensemble/answered_by").asText()).isEqualTo("infer/infer-large-inference_endpoint");
            assertThat(nextData(events)).isEqualTo("[DONE]");
        }
        assertThat(large.lastRequest().body().path("stream").asBoolean(true)).isFalse();
    }

    @Test
    void aStreamRefusedBeforeItsFirstEventIsAnOrdinaryErrorAnswer() throws Exception {
        fast.otherwise(OpenAiUpstream.serverError());
        large.otherwise(OpenAiUpstream.serverError());
        Map<String, Object> request = new HashMap<>(chat("infer/infer-fast-inference_endpoint", "Capital of France?"));
        request.put("stream", true);
        HttpResponse<InputStream> response = reader.postStreaming("/v1/chat/completions", request, Map.of());
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = AppHarness.JSON.readTree(response.body().readAllBytes());
        assertThat(error.at("/error/message").asText()).isNotBlank();
        assertThat(error.toString()).doesNotContain("sk-upstream-secret");
    }

    @Test
    void aFailingUpstreamFallsBackToTheNextModule() {
        fast.otherwise(OpenAiUpstream.serverError());
        AppHarness.Reply reply = reader.postJson("/infer/infer-fast-inference_endpoint/chat/completions", chat("x", "Capital of France?"));
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        assertThat(reply.body().at("/choices/0/message/content").asText()).isEqualTo("The capital of France is Paris.");
        assertThat(large.lastRequest().body().path("model").asText()).isEqualTo("large-model");
    }

    @Test
    void anEnsembleVotesByMeaningAndReportsEveryMember() {
        AppHarness.Reply reply = reader.postJson("/v1/chat/completions", chat("infer/infer-vote-inference_endpoint", "Capital of France?"));
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        JsonNode ensemble = reply.body().path("ensemble");
        // large (0.5) and fast (0.3) agree against slow (0.25): the large member's words are the answer
        assertThat(reply.body().at("/choices/0/message/content").asText()).isEqualTo("The capital of France is Paris.");
        assertThat(ensemble.path("answered_by").asText()).isEqualTo("infer/infer-large-inference_endpoint");
        assertThat(ensemble.path("agreement").asDouble()).isCloseTo(0.8 / 1.05, offset(0.01));
        assertThat(ensemble.path("members")).extracting(member -> member.path("status").asText()).containsOnly("ok");
        assertThat(reply.body().path("model").asText()).isEqualTo("infer/infer-vote-inference_endpoint");
        assertThat(large.lastRequest().body().path("max_tokens").asInt()).isEqualTo(32);
    }

    @Test
    void aMemberThatTimesOutIsLeftOutAndReported() {
        slow.otherwise(OpenAiUpstream.delayed(Duration.ofSeconds(6), OpenAiUpstream.completion("too late")));
        AppHarness.Reply reply = reader.postJson("/v1/chat/completions", chat("infer/infer-vote-inference_endpoint", "Capital of France?"));
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        assertThat(reply.body().path("ensemble").path("members")).anySatisfy(member -> {
            assertThat(member.path("model").asText()).isEqualTo("infer/infer-slow-inference_endpoint");
            assertThat(member.path("status").asText()).isEqualTo("timeout");
            assertThat(member.path("similarity_to_answer").isNull()).isTrue();
        });
        assertThat(reply.body().path("ensemble").path("agreement").asDouble()).isEqualTo(1.0);
    }

    @Test
    void anEnsembleWhoseMembersAllFailIsABadGateway() {
        fast.otherwise(OpenAiUpstream.serverError());
        large.otherwise(OpenAiUpstream.serverError());
        slow.otherwise(OpenAiUpstream.serverError());
        AppHarness.Reply reply = reader.postJson("/v1/chat/completions", chat("infer/infer-vote-inference_endpoint", "Capital of France?"));
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.toString()).doesNotContain("sk-upstream-secret");
    }

    @Test
    void thePolicyDecidesPerModel() {
        // the reader may infer on the allowed models only; an administrator may use every module
        AppHarness.Reply denied = reader.postJson("/v1/chat/completions", chat("infer/infer-slow-inference_endpoint", "x"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body().path("message").asText()).contains("slow-model");
        assertThat(reader.get("/v1/models").body().path("data")).extracting(model -> model.path("id").asText())
                .doesNotContain("infer/infer-slow-inference_endpoint");
        assertThat(app.postJson("/v1/chat/completions", chat("infer/infer-slow-inference_endpoint", "x")).status()).isEqualTo(200);
        assertThat(app.anonymous().postJson("/v1/chat/completions", chat("infer/infer-large-inference_endpoint", "x")).status()).isEqualTo(401);
    }

    @Test
    void everyCallIsAuditedWithTheModuleThatAnsweredOrWhyNone() throws Exception {
        fast.otherwise(OpenAiUpstream.serverError());
        assertThat(call(app, "audit-fallback-0001", "infer/infer-fast-inference_endpoint")).isEqualTo(200);
        answerNormally();
        assertThat(call(app, "audit-ensemble-0001", "infer/infer-vote-inference_endpoint")).isEqualTo(200);
        assertThat(call(reader, "audit-denied-0001", "infer/infer-slow-inference_endpoint")).isEqualTo(403);
        assertThat(call(app.anonymous(), "audit-anonymous-0001", "infer/infer-slow-inference_endpoint")).isEqualTo(401);

        JsonNode fallback = auditedOnce("audit-fallback-0001");
        assertThat(fallback.path("principal").asText()).isEqualTo("admin");
        assertThat(fallback.path("status").asInt()).isEqualTo(200);
        assertThat(fallback.at("/frontDoor/module").asText()).isEqualTo("infer-fast-inference_endpoint");
        assertThat(fallback.at("/frontDoor/operation").asText()).isEqualTo("chat");
        assertThat(fallback.at("/upstream/servedBy").asText()).as("the fallback answered").isEqualTo("infer-large-inference_endpoint");

        JsonNode ensemble = auditedOnce("audit-ensemble-0001");
        assertThat(ensemble.at("/ensemble/answeredBy").asText()).isEqualTo("infer/infer-large-inference_endpoint");
        assertThat(ensemble.at("/ensemble/members")).hasSize(3).allSatisfy(member -> assertThat(member.has("status")).isTrue());
        assertThat(ensemble.toString()).as("no answer text in the audit log").doesNotContain("capital");

        JsonNode denied = auditedOnce("audit-denied-0001");
        assertThat(denied.path("status").asInt()).isEqualTo(403);
        assertThat(denied.path("principal").asText()).isEqualTo(AppHarness.READER);
        assertThat(denied.at("/frontDoor/module").asText()).isEqualTo("infer-slow-inference_endpoint");
        assertThat(denied.has("upstream")).as("nothing was sent upstream").isFalse();

        JsonNode anonymous = auditedOnce("audit-anonymous-0001");
        assertThat(anonymous.path("status").asInt()).isEqualTo(401);
        assertThat(anonymous.path("principal").isNull()).isTrue();
    }

    private static int call(AppHarness caller, String requestId, String model) throws Exception {
        return caller.send("POST", "/v1/chat/completions", AppHarness.JSON.writeValueAsString(chat(model, "The capital of France?")),
                Map.of("X-Request-Id", requestId)).status();
    }

    private static JsonNode auditedOnce(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> AuditRecords.of(audit, requestId), records -> records.size() == 1).get(0);
    }
}
