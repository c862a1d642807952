package ai.dsp.platform.eval;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository's own copy of CACM (datasets/cacm), which eval, bench and the tests read. */
class CacmDatasetTest {

    private static final Path CACM = Path.of("..", "datasets", "cacm");

    @Test
    void theCheckoutHoldsTheWholeCollectionInBeirLayout() {
        BeirDataset cacm = BeirDataset.open(CACM);

        assertThat(cacm.name()).isEqualTo("cacm");
        assertThat(cacm.size()).isEqualTo(3204);
        // 64 queries, 52 of them judged, 796 judgments: the figures in datasets/cacm/README.md
        assertThat(cacm.judgedQueries()).hasSize(52);
        assertThat(cacm.judgedQueries().stream().mapToInt(q -> q.judgments().size()).sum()).isEqualTo(796);
        assertThat(CACM.resolve("README.md")).content().contains("Provenance", "0.3123");
    }
}
