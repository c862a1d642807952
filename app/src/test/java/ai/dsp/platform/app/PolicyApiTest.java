package ai.dsp.platform.app;

import ai.dsp.platform.app.controltower.cli.ManifestCommand;
import ai.dsp.platform.controltower.policy.PolicyService;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Control Tower's policy calls against the running app, with the seed's bodies: a seed Rego
 * file and a YAML policy added, listed, read, evaluated one by one and in batches, user
 * policies, status changes, and who may do what.
 */
class PolicyApiTest {

    private static final Path SEED = Path.of("control-tower", "src", "test", "resources", "seed-policies");
    private static final String CLIENT = "X-DSPAI-Client-ID";

    @TempDir
    static Path dir;
    private static AppHarness app;
    private static AppHarness reader;
    private static String rego;

    @BeforeAll
    static void start() throws IOException {
        rego = Files.readString(SEED.resolve("customer_complaint_summary.rego"));
        // AppHarness keeps the policies in dir/policies
        app = AppHarness.start(dir.resolve("data"), dir.resolve("inbox"));
        reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static AppHarness.Reply addRego(String clientId) {
        return app.postJson("/policies/add", Map.of("client_id", clientId, "policy_content", rego));
    }

    private static Map<String, Object> request(String user, String action, String model) {
        return Map.of("user", Map.of("id", user, "groups", List.of()), "action", action, "usecase", "customer_service",
                "resource", Map.of("type", "llm_model", "model_id", model));
    }

    private static AppHarness.Reply evaluate(AppHarness caller, String clientId, Map<String, Object> input) {
        try {
            return caller.postRaw("/evaluate", AppHarness.JSON.writeValueAsString(Map.of("input_data", input)), Map.of(CLIENT, clientId));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertError(AppHarness.Reply reply, int status, String error) {
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(status);
        assertThat(reply.body().get("error").asText()).isEqualTo(error);
        assertThat(reply.body().get("message").asText()).isNotBlank();
        assertThat(reply.body().get("requestId").asText()).isNotBlank();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    @Test
    void aSeedRegoFileIsImportedListedAndEvaluated() {
        double allowedBefore = Scrape.of(app).value("dsp_controltower_policy_evaluations_total", "result=\"allow\"");
        AppHarness.Reply added = addRego("complaints");

        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().get("message").asText()).isEqualTo("Policy added successfully: complaints");
        assertThat(added.body().get("policy_path").asText()).endsWith("complaints.yaml");
        assertThat(added.body().get("not_imported")).extracting(rule -> rule.get("rule").asText() + "@" + rule.get("line").asInt())
                .containsExactly("version@11", "valid_train@148", "valid_infer@153", "valid_deploy@155");
        assertThat(added.body().get("notes")).hasSize(2);

        JsonNode listed = app.get("/policies").body().get("policies");
        assertThat(listed).anySatisfy(policy -> {
            assertThat(policy.get("client_id").asText()).isEqualTo("complaints");
            assertThat(policy.get("policy_name").asText()).isEqualTo("complaints.yaml");
            assertThat(policy.get("enabled").asBoolean()).isTrue();
        });

        AppHarness.Reply allowed = evaluate(app, "complaints", request("user123", "deploy", "claude-2"));
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.body().get("allow").asBoolean()).isTrue();
        assertThat(allowed.body().get("result").get("effective_role").asText()).isEqualTo("llm_admin");
        assertThat(texts(allowed.body().get("result").get("reasons"))).contains("role llm_admin from user_roles for user user123");
        assertThat(allowed.body().get("policy_path").asText()).endsWith("complaints.yaml");

        AppHarness.Reply denied = app.postJson("/evaluate", Map.of("client_id", "complaints", "input_data", request("user456", "deploy", "gpt-5")));
        assertThat(denied.status()).isEqualTo(200);
        assertThat(denied.body().get("allow").asBoolean()).isFalse();
        assertThat(texts(denied.body().get("result").get("reasons")))
                .contains("action deploy not granted to data_scientist", "model gpt-5 not allowed");
        assertThat(Scrape.of(app).value("dsp_controltower_policy_evaluations_total", "result=\"allow\"") - allowedBefore).isEqualTo(1);

        // the client secret of the Rego works for the seed's client headers
        PolicyService service = app.bean(PolicyService.class);
        assertThat(service.verifyClient("complaints", "ccs-fixture-secret")).isTrue();
        assertThat(service.verifyClient("complaints", "wrong")).isFalse();
    }

    @Test
    void aYamlPolicyIsAddedAndReadBackWithoutItsSecret() {
        AppHarness.Reply added = app.postJson("/policies/add", Map.of("client_id", "yaml_client", "policy_content", """
                project: demo
                roles: {reader: [read]}
                user_roles: {alice: reader}
                allowed_resources: {llm_model: [gpt-4]}
                client_secret_hash: 1e09f907e84cf6fe232174a28f9e0d70e9aac14fb24cdf0990820a0454f28a3d
                client_salt: 9a8b7c6d5e4f30211203948576afbecd
                """));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.body().get("not_imported")).isEmpty();

        AppHarness.Reply read = reader.get("/policies/yaml_client");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("client_secret_set").asBoolean()).isTrue();
        assertThat(read.body().get("policy_content").asText()).contains("project: demo").doesNotContain("1e09f907", "client_salt");
        assertThat(read.body().get("policy").get("user_roles").get("alice").asText()).isEqualTo("reader");
        assertThat(read.body().get("policy").has("client_secret_hash")).isFalse();

        AppHarness.Reply asObject = app.postJson("/policies/add", Map.of("client_id", "object_client",
                "policy_content", Map.of("roles", Map.of("reader", List.of("read")), "allowed_resources", Map.of("*", List.of("*")))));
        assertThat(asObject.status()).isEqualTo(201);
        AppHarness.Reply decision = evaluate(reader, "object_client", Map.of("user", Map.of("role", "reader"), "action", "read",
                "resource", Map.of("type", "index")));
        assertThat(decision.body().get("allow").asBoolean()).isTrue();
    }

    @Test
    void theSeedsClientHeadersAuthenticateAClientForItsOwnPolicyOnly() throws IOException {
        assertThat(addRego("headers_client").status()).isEqualTo(201);
        assertThat(addRego("other_client").status()).isEqualTo(201);
        AppHarness anonymous = app.anonymous();
        Map<String, String> credentials = Map.of(CLIENT, "headers_client", "X-DSPAI-Client-Secret", "ccs-fixture-secret");
        String input = AppHarness.JSON.writeValueAsString(Map.of("input_data", request("user123", "deploy", "claude-2")));

        AppHarness.Reply allowed = anonymous.postRaw("/evaluate", input, credentials);
        assertThat(allowed.status()).as(String.valueOf(allowed.body())).isEqualTo(200);
        assertThat(allowed.body().get("allow").asBoolean()).isTrue();

        assertError(anonymous.postRaw("/evaluate", input, Map.of(CLIENT, "headers_client", "X-DSPAI-Client-Secret", "wrong")), 401,
                "unauthorized");
        assertError(anonymous.send("GET", "/policies/other_client", null, credentials), 403, "forbidden");
        assertThat(anonymous.send("GET", "/policies/headers_client", null, credentials).status()).isEqualTo(200);
        assertError(anonymous.send("DELETE", "/policies/delete/headers_client", null, credentials), 403, "forbidden");
    }

    @Test
    void theCliImportsASeedRegoFileThatTheRunningPlatformThenEvaluates() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = ManifestCommand.run(List.of("policy", "import", SEED.resolve("customer_complaint_summary.rego").toString(),
                        "--client-id", "cli_imported", "--out", dir.resolve("policies").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exitCode).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .contains("imported " + SEED.resolve("customer_complaint_summary.rego") + " as " + dir.resolve("policies").resolve("cli_imported.yaml"))
                .anySatisfy(line -> assertThat(line).startsWith("not imported: valid_train (line 148)"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            AppHarness.Reply allowed = evaluate(app, "cli_imported", request("user123", "deploy", "claude-2"));
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(allowed.body().get("allow").asBoolean()).isTrue();
        });
        assertThat(evaluate(app, "cli_imported", request("user456", "deploy", "gpt-5")).body().get("allow").asBoolean()).isFalse();

        int notRego = ManifestCommand.run(List.of("policy", "import", SEED.resolve("..").resolve("logback-test.xml").toString(),
                "--client-id", "not_rego", "--out", dir.resolve("policies").toString()), new PrintStream(out), new PrintStream(err));
        assertThat(notRego).isEqualTo(1);
    }

    @Test
    void addingAnExistingClientConflicts() {
        assertThat(addRego("twice").status()).isEqualTo(201);
        assertError(addRego("twice"), 409, "conflict");
    }

    @Test
    void anUpdateReplacesThePolicyAndKeepsItsSecret() {
        addRego("updated");
        AppHarness.Reply mismatched = app.putJson("/policies/update/updated", Map.of("client_id", "other", "policy_content", "roles: {}"));
        assertError(mismatched, 400, "bad_request");

        AppHarness.Reply updated = app.putJson("/policies/update/updated", Map.of("client_id", "updated", "policy_content", """
                roles: {auditor: [read]}
                user_roles: {user123: auditor}
                allowed_resources: {"*": ["*"]}
                """));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("message").asText()).isEqualTo("Policy updated successfully: updated");

        AppHarness.Reply decision = evaluate(app, "updated", request("user123", "read", "anything"));
        assertThat(decision.body().get("allow").asBoolean()).isTrue();
        assertThat(decision.body().get("result").get("effective_role").asText()).isEqualTo("auditor");
        assertThat(app.bean(PolicyService.class).verifyClient("updated", "ccs-fixture-secret")).isTrue();
        assertError(app.putJson("/policies/update/nobody", Map.of("policy_content", "roles: {}")), 404, "not_found");
    }

    @Test
    void aDisabledPolicyDeniesWithItsReason() {
        addRego("switched");

        AppHarness.Reply disabled = app.patchJson("/policies/switched/status", Map.of("enabled", false));
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.body().get("message").asText()).isEqualTo("Policy disabled successfully: switched");
        assertThat(disabled.body().get("enabled").asBoolean()).isFalse();
        AppHarness.Reply decision = evaluate(app, "switched", request("user123", "read", "gpt-4"));
        assertThat(decision.body().get("allow").asBoolean()).isFalse();
        assertThat(texts(decision.body().get("result").get("reasons"))).first().isEqualTo("policy switched is disabled");
        assertThat(app.get("/policies").body().get("policies"))
                .anySatisfy(policy -> assertThat(policy.get("client_id").asText() + policy.get("enabled").asBoolean()).isEqualTo("switchedfalse"));

        app.patchJson("/policies/switched/status", Map.of("enabled", true));
        assertThat(evaluate(app, "switched", request("user123", "read", "gpt-4")).body().get("allow").asBoolean()).isTrue();
        assertError(app.patchJson("/policies/switched/status", Map.of("enabled", "no")), 400, "bad_request");
    }

    @Test
    void aBatchEvaluatesEachInputOrTheSeedsBodyByEveryEnabledPolicy() {
        addRego("batch_a");
        addRego("batch_b");
        app.patchJson("/policies/batch_b/status", Map.of("enabled", false));

        AppHarness.Reply batch = app.postJson("/batch-evaluate", Map.of("client_id", "batch_a",
                "inputs", List.of(request("user123", "delete", "gpt-4"), request("user456", "delete", "gpt-4"))));
        assertThat(batch.status()).isEqualTo(200);
        JsonNode results = batch.body().get("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("index").asInt()).isZero();
        assertThat(results.get(0).get("allow").asBoolean()).isTrue();
        assertThat(results.get(1).get("index").asInt()).isEqualTo(1);
        assertThat(results.get(1).get("allow").asBoolean()).isFalse();
        assertThat(results.get(1).get("result").get("effective_role").asText()).isEqualTo("data_scientist");

        // the seed's body, one input: every enabled policy answers (batch_b is disabled)
        JsonNode perPolicy = app.postJson("/batch-evaluate", request("user123", "read", "gpt-4")).body().get("results");
        assertThat(perPolicy).extracting(result -> result.get("client_id").asText()).contains("batch_a").doesNotContain("batch_b");
        assertThat(perPolicy).allSatisfy(result -> assertThat(result.has("policy_path")).isTrue());
        // with the seed's client header, only that client's policy, as the seed did
        AppHarness.Reply own = app.postRaw("/batch-evaluate", "{\"user\": {\"id\": \"user123\"}, \"action\": \"read\", "
                + "\"usecase\": \"customer_service\", \"resource\": {\"type\": \"llm_model\", \"model_id\": \"gpt-4\"}}", Map.of(CLIENT, "batch_a"));
        assertThat(own.body().get("results")).singleElement().satisfies(result -> {
            assertThat(result.get("client_id").asText()).isEqualTo("batch_a");
            assertThat(result.get("allow").asBoolean()).isTrue();
        });
        assertError(app.postJson("/batch-evaluate", Map.of("client_id", "batch_a", "inputs", List.of("not an input"))), 400, "bad_request");
    }

    @Test
    void userPoliciesHaveTheSeedsShape() {
        addRego("users");

        JsonNode policies = reader.postJson("/user-policies", Map.of("user_id", "user123", "group_ids", List.of("group003"))).body()
                .get("policies");
        JsonNode users = null;
        for (JsonNode policy : policies) {
            if (policy.get("client_id").asText().equals("users")) {
                users = policy;
            }
        }
        assertThat(users).isNotNull();
        assertThat(users.get("policy_name").asText()).isEqualTo("users.yaml");
        assertThat(users.get("user_role").asText()).isEqualTo("llm_admin");
        assertThat(users.get("group_roles").get(0).get("group_id").asText()).isEqualTo("group003");
        assertThat(users.get("group_roles").get(0).get("role").asText()).isEqualTo("ml_engineer");
        assertThat(texts(users.get("available_actions").get("user"))).contains("delete");
        assertThat(texts(users.get("available_actions").get("groups").get("group003"))).containsExactly("read", "deploy", "infer");
        assertThat(users.get("effective_role").asText()).isEqualTo("llm_admin");
        assertError(reader.postJson("/user-policies", Map.of("group_ids", List.of())), 400, "bad_request");
    }

    @Test
    void aDeletedPolicyIsGone() {
        addRego("deleted");

        AppHarness.Reply deleted = app.delete("/policies/delete/deleted");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body().get("message").asText()).isEqualTo("Policy deleted successfully: deleted");
        assertError(app.get("/policies/deleted"), 404, "not_found");
        assertError(evaluate(app, "deleted", request("user123", "read", "gpt-4")), 404, "not_found");
        assertError(app.delete("/policies/delete/deleted"), 404, "not_found");
    }

    @Test
    void onlyAdminsChangePoliciesAndEveryCallNeedsAToken() {
        addRego("guarded");

        assertError(reader.postJson("/policies/add", Map.of("client_id", "mine", "policy_content", rego)), 403, "forbidden");
        assertError(reader.putJson("/policies/update/guarded", Map.of("policy_content", "roles: {}")), 403, "forbidden");
        assertError(reader.patchJson("/policies/guarded/status", Map.of("enabled", false)), 403, "forbidden");
        assertError(reader.delete("/policies/delete/guarded"), 403, "forbidden");
        assertThat(reader.get("/policies").status()).isEqualTo(200);
        assertThat(evaluate(reader, "guarded", request("user123", "read", "gpt-4")).body().get("allow").asBoolean()).isTrue();

        assertThat(app.anonymous().get("/policies").status()).isEqualTo(401);
        assertThat(evaluate(app.anonymous(), "guarded", request("user123", "read", "gpt-4")).status()).isEqualTo(401);
        assertThat(app.anonymous().postJson("/user-policies", Map.of("user_id", "user123")).status()).isEqualTo(401);
    }

    @Test
    void badRequestsGetTheJsonErrorBody() {
        assertError(app.get("/policies/not-an-id"), 400, "bad_request");
        assertError(app.get("/policies/nobody"), 404, "not_found");
        assertError(evaluate(app, "../etc", request("user123", "read", "gpt-4")), 400, "bad_request");
        assertError(evaluate(app, "nobody", request("user123", "read", "gpt-4")), 404, "not_found");
        assertError(app.postJson("/evaluate", Map.of("input_data", Map.of())), 400, "bad_request");
        assertError(app.postRaw("/evaluate", "{\"input_data\": [1]}", Map.of(CLIENT, "nobody")), 400, "bad_request");
        assertError(app.postRaw("/policies/add", "{\"client_id\": ", Map.of()), 400, "bad_request");
        assertError(app.postJson("/policies/add", Map.of("client_id", "bad id", "policy_content", "roles: {}")), 400, "bad_request");
        assertError(app.postJson("/policies/add", Map.of("client_id", "typo", "policy_content", "user_role: {a: b}\n")), 400, "bad_request");
        assertError(app.postJson("/policies/add", Map.of("client_id", "badcel", "policy_content",
                "conditions: [{name: c, effect: require, expression: 'input.a =='}]\n")), 400, "bad_request");
        AppHarness.Reply testFile = app.postJson("/policies/add", Map.of("client_id", "tests", "policy_content",
                "package dspai.policy.tests\nimport data.dspai.policy\n"));
        assertError(testFile, 400, "bad_request");
        assertThat(testFile.body().get("message").asText()).contains("*_test.rego");
        assertThat(app.get("/policies").body().get("policies")).noneSatisfy(policy ->
                assertThat(policy.get("client_id").asText()).isIn("typo", "badcel", "tests", "bad id"));
    }
}
