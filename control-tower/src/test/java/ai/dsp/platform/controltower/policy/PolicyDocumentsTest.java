package ai.dsp.platform.controltower.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policy files' format: the seed's names, nothing unknown, nothing inconsistent. */
class PolicyDocumentsTest {

    /** The example shipped in the repository's config/policies. */
    private static final Path EXAMPLE = Path.of("..", "config", "policies", "customer_service.yaml");

    @Test
    void anImportedPolicyRoundTripsThroughItsFile() throws IOException {
        Policy imported = RegoImporterTest.imported("customer_complaint_summary").policy();

        assertThat(PolicyDocuments.parse(PolicyDocuments.yaml(imported), imported.clientId())).isEqualTo(imported);
        assertThat(PolicyDocuments.parse(PolicyDocuments.json(imported), imported.clientId())).isEqualTo(imported);
        assertThat(PolicyDocuments.fromMap(PolicyDocuments.toMap(imported), imported.clientId())).isEqualTo(imported);
    }

    @Test
    void theDemoProjectsPolicyLetsItsUsersQueryAndOnlyEditorsIngest() throws IOException {
        PolicyEvaluator evaluator = new PolicyEvaluator();
        CompiledPolicy demo = evaluator.compile(PolicyDocuments.parse(Files.readString(EXAMPLE.resolveSibling("demo.yaml")), "demo"));

        assertThat(demo.policy().project()).isEqualTo("demo");
        assertThat(evaluator.evaluate(demo, PolicyEvaluatorTest.input("""
                {"user": {"id": "reader", "groups": []}, "action": "query", "usecase": "demo",
                 "resource": {"type": "rag_config", "model_id": "demo-docs-rag_config"}}""")).allow()).isTrue();
        assertThat(evaluator.evaluate(demo, PolicyEvaluatorTest.input("""
                {"user": {"id": "reader", "groups": []}, "action": "ingest", "usecase": "demo",
                 "resource": {"type": "rag_config", "model_id": "demo-docs-rag_config"}}""")).allow()).isFalse();
        assertThat(evaluator.evaluate(demo, PolicyEvaluatorTest.input("""
                {"user": {"id": "someone", "groups": ["demo-editors"]}, "action": "ingest", "usecase": "demo",
                 "resource": {"type": "rag_config", "model_id": "demo-docs-rag_config"}}""")).allow()).isTrue();
    }

    @Test
    void theShippedExampleIsValidAndAnswersLikeTheSeedsPolicy() throws IOException {
        PolicyEvaluator evaluator = new PolicyEvaluator();
        CompiledPolicy example = evaluator.compile(PolicyDocuments.parse(Files.readString(EXAMPLE), "customer_service"));

        assertThat(example.policy().hasClientSecret()).isFalse();
        Decision grouped = evaluator.evaluate(example, PolicyEvaluatorTest.input("""
                {"user": {"id": "someone", "groups": ["example_business", "example_ds_team"]}, "action": "train",
                 "usecase": "customer_service", "resource": {"type": "llm_model", "model_id": "claude-2"}}"""));
        assertThat(grouped.allow()).isTrue();
        assertThat(grouped.effectiveRole()).isEqualTo("data_scientist");
        Decision unknownAction = evaluator.evaluate(example, PolicyEvaluatorTest.input("""
                {"user": {"role": "llm_admin"}, "action": "export", "usecase": "customer_service",
                 "resource": {"type": "llm_model", "model_id": "gpt-4"}}"""));
        assertThat(unknownAction.allow()).isFalse();
        assertThat(unknownAction.reasons()).contains("condition action_valid does not hold");
    }

    @Test
    void unknownFieldsAreRefusedNotIgnored() {
        assertThatThrownBy(() -> PolicyDocuments.parse("roles: {a: [read]}\nuser_role: {u: a}\n", "c"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("unknown field user_role");
        assertThatThrownBy(() -> PolicyDocuments.fromMap(Map.of("rolez", Map.of()), "c"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("unknown field rolez");
    }

    @Test
    void wrongKindsSayWhereWithoutJavaTypes() {
        assertThatThrownBy(() -> PolicyDocuments.parse("roles:\n  admin: read\n", "c"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("a list").hasMessageContaining("roles.admin")
                .hasMessageNotContaining("java.");
        assertThatThrownBy(() -> PolicyDocuments.parse("conditions:\n  - {name: x, effect: maybe, expression: 'true'}\n", "c"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("require or deny_if");
        assertThatThrownBy(() -> PolicyDocuments.parse("roles: [\n", "c")).isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("does not parse");
    }

    @Test
    void inconsistentAssignmentsAreRefused() {
        assertThatThrownBy(() -> PolicyDocuments.parse("""
                roles: {reader: [read], writer: [write]}
                role_hierarchy: [reader, reader, admin]
                user_roles: {u1: ghost}
                group_roles: {g1: writer}
                client_secret_hash: abc
                """, "c"))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("role_hierarchy names admin, which is not in roles")
                .hasMessageContaining("role_hierarchy names reader twice")
                .hasMessageContaining("user_roles.u1 is ghost, which is not in roles")
                .hasMessageContaining("group_roles.g1 is writer, which is not in role_hierarchy, so it could never apply")
                .hasMessageContaining("client_secret_hash and client_salt go together")
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> PolicyDocuments.parse("roles: {unauthorized: [read]}\n", "c"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("cannot be a role");
    }

    @Test
    void theFileCannotNameAnotherClient() {
        assertThatThrownBy(() -> PolicyDocuments.parse("client_id: other\n", "mine"))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("names client_id other, not mine");
        assertThat(PolicyDocuments.parse("client_id: mine\n", "mine").clientId()).isEqualTo("mine");
    }
}
