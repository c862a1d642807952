package ai.dsp.platform.app;

import ai.dsp.platform.app.eval.TokenBenchCommand;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The token benchmark runs and reports a figure per algorithm and JWE wrapping (the figures themselves are in docs/BENCHMARKS.md). */
class TokenBenchCommandTest {

    @TempDir
    Path out;

    @Test
    void writesIssueRateAndVerificationPercentilesForEachAlgorithmAndJwe() throws Exception {
        int code = TokenBenchCommand.run(List.of("--tokens", "30", "--out", out.toString()));

        assertThat(code).isZero();
        JsonNode figures = AppHarness.JSON.readTree(out.resolve("tokens.json").toFile());
        assertThat(figures).extracting(f -> f.path("algorithm").asText() + " " + f.path("jwe").asText())
                .containsExactly("RS256 none", "RS256 RSA-OAEP-256 A256GCM", "RS256 dir A256GCM", "ES256 none", "HS256 none");
        assertThat(figures).allSatisfy(f -> {
            assertThat(f.path("tokens").asInt()).isEqualTo(30);
            assertThat(f.path("issuedPerSecond").asDouble()).isPositive();
            assertThat(f.path("verifyP50Ms").asDouble()).isPositive();
            assertThat(f.path("verifyP99Ms").asDouble()).isGreaterThanOrEqualTo(f.path("verifyP50Ms").asDouble());
            assertThat(f.path("reverifyP50Ms").asDouble()).isPositive();
        });
        assertThat(out.resolve("tokens.md")).content().contains("| RS256 | none | 30 |", "| RS256 | dir A256GCM | 30 |");
    }
}
