package ai.dsp.platform.app;

import ai.dsp.platform.app.eval.PolicyBenchCommand;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy benchmark runs on the shipped example and on a seed Rego file (the figures themselves are in docs/BENCHMARKS.md). */
class PolicyBenchCommandTest {

    @TempDir
    Path out;

    @Test
    void writesPercentilesForEachLayer() throws Exception {
        int code = PolicyBenchCommand.run(List.of("--evaluations", "500", "--out", out.toString()));

        assertThat(code).isZero();
        JsonNode figures = AppHarness.JSON.readTree(out.resolve("policy.json").toFile());
        assertThat(figures).extracting(f -> f.path("layer").asText())
                .containsExactly("evaluator (compiled policy)", "policy service (lookup, metrics)", "JSON body + policy service");
        assertThat(figures).allSatisfy(f -> {
            assertThat(f.path("evaluations").asInt()).isEqualTo(500);
            assertThat(f.path("p50Micros").asDouble()).isPositive();
            assertThat(f.path("p99Micros").asDouble()).isGreaterThanOrEqualTo(f.path("p50Micros").asDouble());
        });
        assertThat(out.resolve("policy.md")).content().contains("Policy customer_service", "| evaluator (compiled policy) | 500 |");
    }

    @Test
    void readsASeedRegoFile() {
        int code = PolicyBenchCommand.run(List.of("--policy", "control-tower/src/test/resources/seed-policies/customer_complaint_summary.rego",
                "--evaluations", "100", "--out", out.toString()));

        assertThat(code).isZero();
        assertThat(out.resolve("policy.md")).content().contains("Policy customer_complaint_summary");
    }

    @Test
    void aMissingPolicyFileFails() {
        assertThat(PolicyBenchCommand.run(List.of("--policy", out.resolve("none.yaml").toString(), "--out", out.toString()))).isEqualTo(1);
    }
}
