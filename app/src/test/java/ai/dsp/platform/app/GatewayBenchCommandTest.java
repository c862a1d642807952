package ai.dsp.platform.app;

import ai.dsp.platform.app.eval.GatewayBenchCommand;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway benchmark runs the fake upstream and the platform, calls both sides at each number
 * of clients, plain and streamed, and every call is answered 200 (the figures themselves are in
 * docs/BENCHMARKS.md; nothing here depends on timing).
 */
class GatewayBenchCommandTest {

    @TempDir
    Path out;

    @Test
    void measuresTheUpstreamDirectlyAndThroughTheFrontDoorAtEachNumberOfClients() throws Exception {
        int code = GatewayBenchCommand.run(List.of("--requests", "20", "--stream-requests", "10", "--clients", "1,2", "--warm-up", "10",
                "--tokens", "5", "--out", out.toString()));

        assertThat(code).isZero();
        JsonNode report = AppHarness.JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.path("settings").path("clients")).extracting(JsonNode::asInt).containsExactly(1, 2);
        assertThat(report.path("machine").path("cores").asInt()).isPositive();

        JsonNode completions = report.path("completions");
        assertThat(completions).extracting(row -> row.path("clients").asInt()).containsExactly(1, 2);
        assertThat(completions).allSatisfy(row -> {
            for (String side : List.of("direct", "gateway")) {
                assertThat(row.path(side).path("requests").asInt()).as(side).isEqualTo(20);
                assertThat(row.path(side).path("statuses").properties()).as(side).hasSize(1);
                assertThat(row.path(side).path("statuses").path("200").asInt()).as(side).isEqualTo(20);
                assertThat(row.path(side).path("p50Ms").asDouble()).as(side).isPositive();
                assertThat(row.path(side).path("p99Ms").asDouble()).as(side).isGreaterThanOrEqualTo(row.path(side).path("p50Ms").asDouble());
                assertThat(row.path(side).path("callsPerSecond").asDouble()).as(side).isPositive();
                assertThat(row.path(side).path("cpuMsPerCall").asDouble()).as(side).isPositive();
            }
            assertThat(row.path("addedCpuMsPerCall").asDouble())
                    .isEqualTo(row.path("gateway").path("cpuMsPerCall").asDouble() - row.path("direct").path("cpuMsPerCall").asDouble());
            assertThat(row.path("addedP50Ms").asDouble())
                    .isEqualTo(row.path("gateway").path("p50Ms").asDouble() - row.path("direct").path("p50Ms").asDouble());
            assertThat(row.path("throughputRatio").asDouble())
                    .isEqualTo(row.path("gateway").path("callsPerSecond").asDouble() / row.path("direct").path("callsPerSecond").asDouble());
        });

        JsonNode streaming = report.path("streaming");
        assertThat(streaming).extracting(row -> row.path("clients").asInt()).containsExactly(1, 2);
        assertThat(streaming).allSatisfy(row -> {
            for (String side : List.of("direct", "gateway")) {
                // a stream counts as 200 only when it ended with [DONE]
                assertThat(row.path(side).path("statuses").properties()).as(side).hasSize(1);
                assertThat(row.path(side).path("statuses").path("200").asInt()).as(side).isEqualTo(10);
                assertThat(row.path(side).path("firstTokenP50Ms").asDouble()).as(side).isPositive();
                assertThat(row.path(side).path("wholeP50Ms").asDouble()).as(side)
                        .isGreaterThanOrEqualTo(row.path(side).path("firstTokenP50Ms").asDouble());
            }
        });

        assertThat(report.path("targets")).extracting(target -> target.path("figure").asText() + " " + target.path("clients").asInt())
                .containsExactly("added p50 1", "added p99 2", "throughput ratio 1", "throughput ratio 2");
        assertThat(out.resolve("report.md")).content()
                .contains("| clients | direct p50 |", "| 1 |", "| 2 |", "Every call was answered 200.");
    }

    @Test
    void refusesClientsThatAreNotPositiveNumbers() {
        assertThat(GatewayBenchCommand.run(List.of("--clients", "0,4", "--out", out.toString()))).isEqualTo(2);
        assertThat(out.resolve("report.json")).doesNotExist();
    }
}
