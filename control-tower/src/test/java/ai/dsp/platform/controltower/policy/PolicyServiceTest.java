package ai.dsp.platform.controltower.policy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Policies as the API, the Front Door and the client check use them: stored, cached, evaluated and counted. */
class PolicyServiceTest {

    private static final Map<String, Object> DS_INFER = PolicyEvaluatorTest.input("""
            {"user": {"id": "user999", "groups": ["group002"]}, "action": "infer", "usecase": "customer_service",
             "resource": {"type": "llm_model", "model_id": "gpt-4"}}""");

    @TempDir
    Path dir;
    private SimpleMeterRegistry registry;
    private PolicyService service;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        service = new PolicyService(new PolicyStore(dir), new PolicyEvaluator(), new PolicyMetrics(registry), Duration.ZERO);
    }

    private Policy seed(String file) throws IOException {
        return RegoImporterTest.imported(file).policy();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void anImportedSeedPolicyIsStoredListedAndEvaluated() throws IOException {
        service.add(seed("customer_complaint_summary"));

        assertThat(service.list()).containsExactly(new PolicyService.Listed("customer_complaint_summary",
                dir.resolve("customer_complaint_summary.yaml").toString(), true, null));
        PolicyService.Evaluated evaluated = service.evaluate("customer_complaint_summary", DS_INFER);
        assertThat(evaluated.decision().allow()).isTrue();
        assertThat(evaluated.decision().effectiveRole()).isEqualTo("data_scientist");
        assertThat(evaluated.path()).endsWith("customer_complaint_summary.yaml");
        assertThat(count(PolicyMetrics.EVALUATIONS, "result", "allow")).isEqualTo(1);
        assertThat(count(PolicyMetrics.CHANGES, "operation", "add", "result", "ok")).isEqualTo(1);
        assertThat(registry.get(PolicyMetrics.EVALUATION_DURATION).timer().count()).isEqualTo(1);
    }

    @Test
    void changesAreCountedAndRefusedOnesToo() throws IOException {
        Policy policy = seed("customer_service");
        service.add(policy);

        assertThatThrownBy(() -> service.add(policy)).isInstanceOf(PolicyExistsException.class);
        assertThatThrownBy(() -> service.update(policy.withClientId("nobody"))).isInstanceOf(PolicyNotFoundException.class);
        assertThatThrownBy(() -> service.delete("nobody")).isInstanceOf(PolicyNotFoundException.class);
        service.setEnabled("customer_service", false);
        service.setEnabled("customer_service", true);
        service.delete("customer_service");

        assertThat(count(PolicyMetrics.CHANGES, "operation", "add", "result", "error")).isEqualTo(1);
        assertThat(count(PolicyMetrics.CHANGES, "operation", "update", "result", "error")).isEqualTo(1);
        assertThat(count(PolicyMetrics.CHANGES, "operation", "delete", "result", "error")).isEqualTo(1);
        assertThat(count(PolicyMetrics.CHANGES, "operation", "disable", "result", "ok")).isEqualTo(1);
        assertThat(count(PolicyMetrics.CHANGES, "operation", "enable", "result", "ok")).isEqualTo(1);
        assertThat(count(PolicyMetrics.CHANGES, "operation", "delete", "result", "ok")).isEqualTo(1);
        assertThat(service.list()).isEmpty();
    }

    @Test
    void aDisabledPolicyDeniesUntilEnabled() throws IOException {
        service.add(seed("customer_complaint_summary"));

        service.setEnabled("customer_complaint_summary", false);
        Decision disabled = service.evaluate("customer_complaint_summary", DS_INFER).decision();
        assertThat(disabled.allow()).isFalse();
        assertThat(disabled.reasons()).contains("policy customer_complaint_summary is disabled");
        assertThat(service.list().get(0).enabled()).isFalse();
        assertThat(service.evaluateEnabled(DS_INFER)).isEmpty();

        service.setEnabled("customer_complaint_summary", true);
        assertThat(service.evaluate("customer_complaint_summary", DS_INFER).decision().allow()).isTrue();
    }

    @Test
    void theClientSecretIsTheSeeds() throws IOException {
        service.add(seed("customer_service"));
        service.add(Policy.empty("no_secret"));

        assertThat(service.verifyClient("customer_service", "cs-fixture-secret")).isTrue();
        assertThat(service.verifyClient("customer_service", "cs-fixture-secreT")).isFalse();
        assertThat(service.verifyClient("customer_service", "")).isFalse();
        assertThat(service.verifyClient("no_secret", "")).isFalse();
        assertThat(service.verifyClient("unknown", "cs-fixture-secret")).isFalse();
        assertThat(service.verifyClient("../customer_service", "cs-fixture-secret")).isFalse();
        assertThat(service.verifyClient(null, null)).isFalse();
        // a disabled client still authenticates (as in the seed); its decisions deny
        service.setEnabled("customer_service", false);
        assertThat(service.verifyClient("customer_service", "cs-fixture-secret")).isTrue();
    }

    @Test
    void anUpdateWithoutASecretKeepsTheStoredOne() throws IOException {
        Policy imported = seed("customer_service");
        service.add(imported);

        service.update(imported.withoutClientSecret().withEnabled(false));

        assertThat(service.get("customer_service").clientSecretHash()).isEqualTo(imported.clientSecretHash());
        assertThat(service.get("customer_service").enabled()).isFalse();
        assertThat(service.verifyClient("customer_service", "cs-fixture-secret")).isTrue();
    }

    @Test
    void anEditOnDiskIsSeenAndABrokenFileDeniesSayingWhy() throws IOException {
        service.add(seed("customer_complaint_summary"));
        Path file = dir.resolve("customer_complaint_summary.yaml");
        assertThat(service.evaluate("customer_complaint_summary", DS_INFER).decision().allow()).isTrue();

        Files.writeString(file, Files.readString(file).replace("group002: data_scientist", "group002: business_user"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Decision edited = service.evaluate("customer_complaint_summary", DS_INFER).decision();
        assertThat(edited.effectiveRole()).isEqualTo("business_user");
        assertThat(edited.allow()).isTrue();

        Files.writeString(file, "roles: {a: [read]}\nuser_roles: {u: ghost}\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        PolicyService.Evaluated broken = service.evaluate("customer_complaint_summary", DS_INFER);
        assertThat(broken.decision().allow()).isFalse();
        assertThat(broken.decision().reasons()).singleElement().asString()
                .contains("cannot be used").contains("user_roles.u is ghost, which is not in roles");
        assertThat(service.list()).singleElement().satisfies(listed -> {
            assertThat(listed.enabled()).isFalse();
            assertThat(listed.error()).contains("user_roles.u is ghost");
        });
        assertThat(count(PolicyMetrics.EVALUATIONS, "result", "error")).isEqualTo(1);
        assertThatThrownBy(() -> service.get("customer_complaint_summary")).isInstanceOf(InvalidPolicyException.class);
    }

    @Test
    void theFolderIsListedOncePerRefreshButChangesThroughTheServiceShowAtOnce() throws IOException {
        PolicyService slow = new PolicyService(new PolicyStore(dir), new PolicyEvaluator(), new PolicyMetrics(registry), Duration.ofHours(1));
        Policy complaints = seed("customer_complaint_summary");
        slow.add(complaints);
        assertThat(slow.forProject(complaints.project())).containsExactly("customer_complaint_summary");

        // a file copied in beside the service waits for the next listing; the service's own writes do not
        Files.writeString(dir.resolve("copied_in.yaml"), Files.readString(dir.resolve("customer_complaint_summary.yaml")));
        assertThat(slow.list()).extracting(PolicyService.Listed::clientId).containsExactly("customer_complaint_summary");
        assertThat(service.list()).extracting(PolicyService.Listed::clientId).containsExactlyInAnyOrder("customer_complaint_summary", "copied_in");

        slow.delete("customer_complaint_summary");
        assertThat(slow.forProject(complaints.project())).isEmpty();
    }

    @Test
    void anUnknownClientIsNotFoundAndABadIdIsRefused() {
        assertThatThrownBy(() -> service.evaluate("nobody", DS_INFER)).isInstanceOf(PolicyNotFoundException.class);
        assertThatThrownBy(() -> service.evaluate("no/body", DS_INFER)).isInstanceOf(IllegalArgumentException.class);
        assertThat(count(PolicyMetrics.EVALUATIONS, "result", "error")).isEqualTo(2);
    }

    @Test
    void theSeedsBatchBodyIsEvaluatedByEveryEnabledPolicy() throws IOException {
        service.add(seed("customer_complaint_summary"));
        service.add(seed("customer_service"));
        service.add(seed("customer_service_v1"));

        List<PolicyService.Evaluated> results = service.evaluateEnabled(DS_INFER);

        assertThat(results).extracting(PolicyService.Evaluated::clientId)
                .containsExactly("customer_complaint_summary", "customer_service", "customer_service_v1");
        // group002 is data_scientist in both current files; the earlier one reads input.user.role only
        assertThat(results).extracting(result -> result.decision().allow()).containsExactly(true, true, false);
    }

    @Test
    void userPoliciesSayWhereAUserOrTheirGroupsHaveARole() throws IOException {
        service.add(seed("customer_complaint_summary"));
        service.add(seed("customer_service"));

        List<PolicyService.UserPolicy> found = service.userPolicies("user123", List.of("group003", "group004", "nogroup"));

        assertThat(found).hasSize(2);
        PolicyService.UserPolicy complaints = found.get(0);
        assertThat(complaints.clientId()).isEqualTo("customer_complaint_summary");
        assertThat(complaints.userRole()).isEqualTo("llm_admin");
        assertThat(complaints.groupRoles()).containsExactly(new PolicyService.GroupRole("group003", "ml_engineer"));
        assertThat(complaints.userActions().get("user")).contains("delete");
        assertThat(complaints.groupActions()).containsOnlyKeys("group003");
        assertThat(complaints.effectiveRole()).isEqualTo("llm_admin");
        PolicyService.UserPolicy service2 = found.get(1);
        assertThat(service2.userRole()).isNull();
        assertThat(service2.groupRoles()).extracting(PolicyService.GroupRole::groupId).containsExactly("group003", "group004");
        assertThat(service2.effectiveRole()).isEqualTo("ml_engineer");

        assertThat(service.userPolicies("nobody", List.of())).isEmpty();
    }
}
