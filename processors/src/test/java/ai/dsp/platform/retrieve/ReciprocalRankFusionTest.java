package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ScoredChunk;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReciprocalRankFusionTest {

    private static final ReciprocalRankFusion RRF = new ReciprocalRankFusion(60);

    private static ScoredChunk hit(String documentId) {
        return new ScoredChunk(new Chunk(documentId, 0, documentId, null, 0, 0, List.of(), null, Map.of()), 1f);
    }

    @Test
    void aChunkBothLegsFindRanksAboveOneEitherFindsAloneAndRanksAreKept() {
        List<ReciprocalRankFusion.Fused> fused = RRF.fuse(List.of(hit("a"), hit("b")), List.of(hit("c"), hit("a")), 10);

        // c is dense's first, b keyword's second
        assertThat(fused).extracting(f -> f.chunk().documentId()).containsExactly("a", "c", "b");
        assertThat(fused.get(0).keywordRank()).isEqualTo(1);
        assertThat(fused.get(0).denseRank()).isEqualTo(2);
        assertThat(fused.get(0).score()).isEqualTo(1.0 / 61 + 1.0 / 62);
        assertThat(fused.get(0).graphRank()).isNull();
    }

    @Test
    void theGraphWeighsAsMuchAsKeywordAndDenseTogether() {
        // "d" only the graph finds, second: it ties with "b", which keyword and dense both rank second
        List<ReciprocalRankFusion.Fused> fused = RRF.fuse(List.of(hit("a"), hit("b"), hit("c")), List.of(hit("a"), hit("b"), hit("c")),
                List.of(hit("a"), hit("d")), 3);

        assertThat(fused).extracting(f -> f.chunk().documentId()).containsExactly("a", "b", "d");
        assertThat(fused.get(2).score()).isEqualTo(fused.get(1).score());
        assertThat(fused.get(2).graphRank()).isEqualTo(2);
        assertThat(fused.get(0).score()).isCloseTo(0.5 * (1.0 / 61 + 1.0 / 61) + 1.0 / 61, within(1e-12));
    }

    @Test
    void aLowerGraphWeightLeavesWhatOnlyTheGraphFindsBelowWhatKeywordAndDenseAgreeOn() {
        ReciprocalRankFusion lighterGraph = new ReciprocalRankFusion(60, 1.0, 1.0, 0.5);
        List<ReciprocalRankFusion.Fused> fused = lighterGraph.fuse(List.of(hit("a"), hit("b"), hit("c")), List.of(hit("a"), hit("b"), hit("c")),
                List.of(hit("a"), hit("d")), 4);

        assertThat(fused).extracting(f -> f.chunk().documentId()).containsExactly("a", "b", "c", "d");
        // first in every leg: 2 / (k + 1), as in hybrid, whatever the weight
        assertThat(fused.get(0).score()).isCloseTo(2.0 / 61, within(1e-12));
    }

    @Test
    void aHeavierKeywordLegPutsWhatOnlyKeywordFindsAboveWhatOnlyDenseFinds() {
        ReciprocalRankFusion keywordHeavy = new ReciprocalRankFusion(60, 3.0, 1.0, 0.0);
        List<ReciprocalRankFusion.Fused> fused = keywordHeavy.fuse(List.of(hit("k1"), hit("k2")), List.of(hit("d1"), hit("d2")), 4);

        assertThat(fused).extracting(f -> f.chunk().documentId()).containsExactly("k1", "k2", "d1", "d2");
        // scaled so that the weights move ranks, not the score of a chunk both legs rank first (2 / (k + 1))
        assertThat(fused.get(0).score()).isCloseTo(2.0 / 4 * 3.0 / 61, within(1e-12));
        assertThat(RRF.fuse(List.of(hit("k1"), hit("k2")), List.of(hit("d1"), hit("d2")), 4))
                .extracting(f -> f.chunk().documentId()).containsExactly("d1", "k1", "d2", "k2");
    }

    @Test
    void rankingsOfSeveralQueriesFuseByRankWhateverTheirScores() {
        List<RetrievedChunk> original = List.of(retrieved("a", 9.0), retrieved("b", 8.0));
        List<RetrievedChunk> variant = List.of(retrieved("c", 0.1), retrieved("b", 0.05), retrieved("d", 0.01));

        List<RetrievedChunk> fused = ReciprocalRankFusion.fuseRankings(List.of(original, variant), 60, 3);

        // b is in both; a and c are first in one each (tied, by id); d does not fit
        assertThat(fused).extracting(RetrievedChunk::documentId).containsExactly("b", "a", "c");
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 62 + 1.0 / 62, within(1e-12));
    }

    private static RetrievedChunk retrieved(String id, double score) {
        return new RetrievedChunk(id, id + ".txt", id + ":0", id, score, null, null, null, null, List.of(), Map.of());
    }
}
