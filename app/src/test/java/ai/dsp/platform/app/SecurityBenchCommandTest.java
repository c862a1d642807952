package ai.dsp.platform.app;

import ai.dsp.platform.app.eval.SecurityBenchCommand;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The security benchmark runs both platforms and reports both sides (the figures themselves are in docs/BENCHMARKS.md). */
class SecurityBenchCommandTest {

    @TempDir
    Path out;

    @Test
    void measuresRetrieveWithSecurityOnAndOffInOneRun() throws Exception {
        int code = SecurityBenchCommand.run(List.of("--documents", "5", "--requests", "50", "--warm-up", "10",
                "--out", out.toString()));

        assertThat(code).isZero();
        JsonNode report = AppHarness.JSON.readTree(out.resolve("security.json").toFile());
        assertThat(report.path("documents").asInt()).isEqualTo(5);
        for (String side : List.of("secured", "open")) {
            assertThat(report.path(side).path("requests").asInt()).as(side).isEqualTo(50);
            assertThat(report.path(side).path("p50Ms").asDouble()).as(side).isPositive();
        }
        assertThat(report.path("addedP50Ms").asDouble())
                .isEqualTo(report.path("secured").path("p50Ms").asDouble() - report.path("open").path("p50Ms").asDouble());
        assertThat(out.resolve("security.md")).content().contains("| on | 50 |").contains("| off | 50 |");
    }
}
