package ai.dsp.platform.controltower.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The seed's Rego files (fixtures in their structure: src/test/resources/seed-policies) become
 * policies, and exactly the rules the model has no place for are listed, with their lines.
 */
class RegoImporterTest {

    static final Path SEED = Path.of("src", "test", "resources", "seed-policies");
    private static final List<String> ACTIONS = List.of("create", "read", "update", "delete", "deploy", "train", "infer");

    static RegoImporter.ImportResult imported(String file) throws IOException {
        return new RegoImporter().importRego(Files.readString(SEED.resolve(file + ".rego")), file);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static RegoImporter.ImportResult importText(String rego) {
        return new RegoImporter().importRego(rego, "inline");
    }

    @Test
    void theCurrentCustomerServiceFileIsImportedButItsVersionAndEmptyStubs() throws IOException {
        RegoImporter.ImportResult result = imported("customer_service");
        Policy policy = result.policy();

        assertThat(result.notImported()).extracting(RegoImporter.NotImported::rule, RegoImporter.NotImported::line)
                .containsExactly(tuple("version", 6), tuple("valid_train", 138), tuple("valid_infer", 143), tuple("valid_deploy", 145));
        assertThat(result.notImported().get(1).reason()).contains("empty body").contains("always true");
        assertThat(result.notes()).isEmpty();
        assertThat(policy.clientId()).isEqualTo("customer_service");
        assertThat(policy.enabled()).isTrue();
        assertThat(policy.project()).isEqualTo("customer_service");
        assertThat(policy.usecases()).containsExactly("customer_service");
        assertThat(policy.resourceTypes()).containsExactly("llm_model");
        assertThat(policy.roles()).containsOnlyKeys("llm_admin", "data_scientist", "ml_engineer", "business_user");
        assertThat(policy.roles().get("llm_admin")).containsExactlyElementsOf(ACTIONS);
        assertThat(policy.roles().get("business_user")).containsExactly("infer");
        assertThat(policy.roleHierarchy()).containsExactly("business_user", "ml_engineer", "data_scientist", "llm_admin");
        assertThat(policy.userRoles()).containsExactly(Map.entry("user789", "ml_engineer"), Map.entry("user101", "business_user"));
        assertThat(policy.groupRoles()).containsOnlyKeys("group002", "group003", "group004");
        assertThat(policy.allowedResources()).containsExactly(Map.entry("llm_model", List.of("gpt-4", "claude-2", "llama-2-70b")));
        assertThat(policy.resourceIdField()).isEqualTo("model_id");
        assertThat(policy.trustInputRole()).isTrue();
        assertThat(policy.clientSalt()).isEqualTo("5f0c2a9e7d4b1c3e8a6f0d2b4c6e8a1f");
        assertThat(ClientSecrets.matches("cs-fixture-secret", policy.clientSalt(), policy.clientSecretHash())).isTrue();
        assertThat(policy.templates()).containsOnlyKeys("aihpc");
        assertThat(map(policy.templates().get("aihpc"))).containsOnlyKeys("training_dev", "training_prod", "inference_dev",
                "inference_prod");
        // action_valid: the seven actions, each with its (empty) check
        assertThat(policy.conditions()).singleElement().satisfies(condition -> {
            assertThat(condition.name()).isEqualTo("action_valid");
            assertThat(condition.effect()).isEqualTo(PolicyCondition.Effect.REQUIRE);
            assertThat(condition.expression()).isEqualTo("(input.action == \"read\" || input.action == \"create\" || "
                    + "input.action == \"update\" || input.action == \"delete\" || input.action == \"deploy\" || "
                    + "input.action == \"train\" || input.action == \"infer\")");
        });
    }

    @Test
    void theComplaintSummaryFileKeepsItsLaneBlocksAndSaysHowItReadTheirOddKeys() throws IOException {
        RegoImporter.ImportResult result = imported("customer_complaint_summary");
        Policy policy = result.policy();

        assertThat(result.notImported()).extracting(RegoImporter.NotImported::rule, RegoImporter.NotImported::line)
                .containsExactly(tuple("version", 11), tuple("valid_train", 148), tuple("valid_infer", 153), tuple("valid_deploy", 155));
        assertThat(policy.enabled()).isTrue();
        assertThat(policy.userRoles()).containsExactly(Map.entry("user123", "llm_admin"), Map.entry("user456", "data_scientist"));
        assertThat(policy.groupRoles()).containsOnlyKeys("group001", "group002", "group003");
        Map<String, Object> aihpc = map(policy.templates().get("aihpc"));
        assertThat(aihpc).containsOnlyKeys("dev", "prod");
        Map<String, Object> lane = map(map(aihpc.get("dev")).get("inference_dev"));
        assertThat(lane).containsEntry("account", "ccs_inference_dev").containsEntry("num_gpu", 1)
                .containsEntry("script", "/opt/scripts/triton_dev.sh").containsEntry("model_name", "");
        assertThat(result.notes()).hasSize(2);
        assertThat(result.notes().get(0)).startsWith("aihpc.dev (line 19) writes object keys with = instead of :")
                .contains("script (line 21)", "model_name (line 24)");
    }

    @Test
    void anEarlierSeedLayoutWithRealActionChecksBecomesOneCondition() throws IOException {
        RegoImporter.ImportResult result = imported("customer_service_v1");
        Policy policy = result.policy();

        assertThat(result.notImported()).extracting(RegoImporter.NotImported::rule, RegoImporter.NotImported::line)
                .containsExactly(tuple("version", 12));
        // has_role and action_allowed_for_role read input.user.role only: there is nothing to assign
        assertThat(policy.trustInputRole()).isTrue();
        assertThat(policy.userRoles()).isEmpty();
        assertThat(policy.roleHierarchy()).isEmpty();
        assertThat(policy.conditions()).singleElement().satisfies(condition -> {
            assertThat(condition.name()).isEqualTo("allow");
            assertThat(condition.expression())
                    .contains("input.action == \"train\" && input.resource.training_data.approved == true")
                    .contains("input.resource.deployment_plan.approved == true")
                    .contains("input.action == \"infer\" && input.resource.status == \"approved\"");
        });
        assertThat(new PolicyEvaluator().compile(policy).policy()).isEqualTo(policy);
    }

    @Test
    void rulesOutsideTheModelAreListedAndTheImportedPolicyThenDeniesEverything() {
        RegoImporter.ImportResult result = importText("""
                package dspai.policy
                import rego.v1
                import data.shared.lists

                default allow := false
                roles := {"admin": ["read"]}
                allowed_models := ["m1"]
                owners contains "alice"

                has_role if {
                    some role
                    role == input.user.role
                    roles[role]
                }

                action_allowed_for_role if {
                    some i
                    roles[input.user.role][i] == input.action
                }

                model_allowed_for_usecase if {
                    some i
                    allowed_models[i] == input.resource.model_id
                }

                allow if {
                    has_role
                    action_allowed_for_role
                    model_allowed_for_usecase
                    office_hours
                }

                office_hours if {
                    time.clock(time.now_ns())[0] >= 9
                }
                """);

        assertThat(result.notImported()).extracting(RegoImporter.NotImported::rule, RegoImporter.NotImported::line)
                .containsExactly(tuple("import data.shared.lists", 3), tuple("owners", 8), tuple("allow", 26),
                        tuple("office_hours", 33));
        assertThat(result.notImported().get(2).reason()).contains("office_hours");
        assertThat(result.notImported().get(3).reason()).contains("cannot import 'time . clock");
        assertThat(result.policy().conditions()).extracting(PolicyCondition::name).containsExactly(RegoImporter.NOT_IMPORTED_CONDITION);

        Decision decision = new PolicyEvaluator().evaluate(new PolicyEvaluator().compile(result.policy()),
                Map.of("user", Map.of("role", "admin"), "action", "read", "resource", Map.of("model_id", "m1")));
        assertThat(decision.allow()).isFalse();
        assertThat(decision.reasons()).contains("condition " + RegoImporter.NOT_IMPORTED_CONDITION + " does not hold")
                .contains("action read granted to admin", "model m1 allowed");
    }

    @Test
    void aRoleResolutionThatDiffersFromTheSeedsIsNotGuessed() {
        RegoImporter.ImportResult result = importText("""
                package dspai.policy
                roles := {"admin": ["read"]}
                user_roles := {"u1": "admin"}
                effective_role := role if {
                    role := user_roles[input.user.name]
                } else := "unauthorized"
                """);

        assertThat(result.notImported()).extracting(RegoImporter.NotImported::rule)
                .containsExactly("user_roles", "effective_role");
        assertThat(result.notImported().get(1).reason()).contains("differs from the seed's effective_role");
        assertThat(result.policy().userRoles()).isEmpty();
        assertThat(result.policy().trustInputRole()).isFalse();
        assertThat(result.notes()).contains("the Rego has no allow rule, so it never allowed anything: nor does the imported policy");
    }

    @Test
    void onlyTheSeedsPackageIsAPolicy() {
        assertThatThrownBy(() -> importText("package dspai.policy.tests\nimport data.dspai.policy\n"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("package dspai.policy.tests")
                .hasMessageContaining("*_test.rego");
        assertThatThrownBy(() -> importText("roles := {}\n")).isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("has no package");
    }

    @Test
    void unreadableRegoSaysWhere() {
        assertThatThrownBy(() -> importText("package dspai.policy\n\nroles := {\n  \"a\": [\"read\"\n"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("line 3");
        assertThatThrownBy(() -> importText("package dspai.policy\nproject := \"unclosed\n"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("line 2").hasMessageContaining("not closed");
    }

    @Test
    void aConstantOfTheWrongKindIsListedNotTrusted() {
        RegoImporter.ImportResult result = importText("""
                package dspai.policy
                policy_enabled := "yes"
                allowed_models := [1, 2]
                roles := {"admin": "read"}
                client_secret := input.secret
                """);

        assertThat(result.notImported()).extracting(RegoImporter.NotImported::rule, RegoImporter.NotImported::reason)
                .containsExactly(tuple("policy_enabled", "expected true or false"), tuple("allowed_models", "expected a list of strings"),
                        tuple("roles", "expected an object of role -> list of actions; admin is not"),
                        tuple("client_secret", "not a plain value: 'input' is a reference, not a value"));
        assertThat(result.policy().enabled()).isTrue();
        assertThat(result.policy().hasClientSecret()).isFalse();
    }

    @Test
    void aDisabledSeedPolicyStaysDisabled() {
        RegoImporter.ImportResult result = importText("package dspai.policy\n\n# status\npolicy_enabled := false\n");

        assertThat(result.policy().enabled()).isFalse();
        assertThat(result.notImported()).isEmpty();
    }

    @Test
    void theClientIdIsTheSeedsPattern() {
        assertThatThrownBy(() -> new RegoImporter().importRego("package dspai.policy\n", "../etc"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("^[A-Za-z0-9_]+$");
    }
}
