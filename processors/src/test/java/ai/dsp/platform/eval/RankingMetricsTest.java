package ai.dsp.platform.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each figure against values computed by hand with trec_eval's definitions. */
class RankingMetricsTest {

    private static final org.assertj.core.data.Offset<Double> EXACT = within(1e-9);

    @Test
    void binaryJudgmentsWithOneRelevantDocumentNeverRetrieved() {
        // relevant at ranks 1, 3 and 5; "x" is relevant but not retrieved; b and d are unjudged
        RankingMetrics m = RankingMetrics.of(List.of("a", "b", "c", "d", "e"), Map.of("a", 1, "c", 1, "e", 1, "x", 1));

        assertThat(m.ap()).isCloseTo((1.0 / 1 + 2.0 / 3 + 3.0 / 5) / 4, EXACT);              // 0.566667
        // DCG = 1/log2(2) + 1/log2(4) + 1/log2(6); ideal: four grade-1 documents at ranks 1-4
        double dcg = 1 + 1 / log2(4) + 1 / log2(6);
        double ideal = 1 + 1 / log2(3) + 1 / log2(4) + 1 / log2(5);
        assertThat(m.ndcg10()).isCloseTo(dcg / ideal, EXACT).isCloseTo(0.7365897, within(1e-7));
        assertThat(m.recall100()).isCloseTo(0.75, EXACT);
        assertThat(m.rr10()).isCloseTo(1.0, EXACT);
        assertThat(m.p30()).isCloseTo(3.0 / 30, EXACT);
    }

    @Test
    void gradedJudgmentsUseTheGradeAsGainAndCountGradeOneAndAboveAsRelevant() {
        // c is judged not relevant (0); a (2) at rank 2, b (1) at rank 3; d (3) is never retrieved
        RankingMetrics m = RankingMetrics.of(List.of("c", "a", "b"), Map.of("a", 2, "b", 1, "c", 0, "d", 3));

        double dcg = 2 / log2(3) + 1 / log2(4);
        double ideal = 3 / log2(2) + 2 / log2(3) + 1 / log2(4);
        assertThat(m.ndcg10()).isCloseTo(dcg / ideal, EXACT).isCloseTo(0.3699940, within(1e-7));
        assertThat(m.ap()).isCloseTo((1.0 / 2 + 2.0 / 3) / 3, EXACT);                       // 0.388889
        assertThat(m.rr10()).isCloseTo(0.5, EXACT);
        assertThat(m.recall100()).isCloseTo(2.0 / 3, EXACT);
        assertThat(m.p30()).isCloseTo(2.0 / 30, EXACT);
    }

    @Test
    void aQueryWithNoRelevantDocumentRetrievedScoresZeroEverywhere() {
        RankingMetrics m = RankingMetrics.of(List.of("a", "b"), Map.of("z", 1, "a", 0));

        assertThat(m).isEqualTo(new RankingMetrics(0, 0, 0, 0, 0));
        assertThat(RankingMetrics.of(List.of(), Map.of("z", 2))).isEqualTo(new RankingMetrics(0, 0, 0, 0, 0));
    }

    @Test
    void cutoffsApplyAtTenThirtyAndOneHundred() {
        // the only relevant document at rank 11: outside nDCG@10 and RR@10, inside P@30 and R@100
        RankingMetrics at11 = RankingMetrics.of(ranking(11), Map.of("d11", 1));
        assertThat(at11.ndcg10()).isZero();
        assertThat(at11.rr10()).isZero();
        assertThat(at11.p30()).isCloseTo(1.0 / 30, EXACT);
        assertThat(at11.recall100()).isCloseTo(1.0, EXACT);
        assertThat(at11.ap()).isCloseTo(1.0 / 11, EXACT);

        // at rank 101: AP still counts it, recall@100 does not
        RankingMetrics at101 = RankingMetrics.of(ranking(150), Map.of("d101", 1));
        assertThat(at101.recall100()).isZero();
        assertThat(at101.p30()).isZero();
        assertThat(at101.ap()).isCloseTo(1.0 / 101, EXACT);
    }

    @Test
    void aDocumentRetrievedTwiceCountsAtItsFirstRankOnly() {
        // several chunks of one document: a, a, b is the document ranking a, b
        RankingMetrics m = RankingMetrics.of(List.of("a", "a", "b"), Map.of("a", 1, "b", 1));

        assertThat(m.ap()).isCloseTo(1.0, EXACT);
        assertThat(m.ndcg10()).isCloseTo(1.0, EXACT);
        assertThat(m.p30()).isCloseTo(2.0 / 30, EXACT);
    }

    @Test
    void theMeanIsTakenOverQueries() {
        RankingMetrics mean = RankingMetrics.mean(List.of(new RankingMetrics(1, 0.5, 1, 1, 0.1), new RankingMetrics(0, 0.25, 0, 0.5, 0)));

        assertThat(mean).isEqualTo(new RankingMetrics(0.5, 0.375, 0.5, 0.75, 0.05));
    }

    /** Documents d1 .. d{length}, best first. */
    private static List<String> ranking(int length) {
        return IntStream.rangeClosed(1, length).mapToObj(i -> "d" + i).toList();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
