package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ScoredChunk;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(fused.get(0).score()).isEqualTo(0.5 * (1.0 / 61 + 1.0 / 61) + 1.0 / 61);
    }
}
