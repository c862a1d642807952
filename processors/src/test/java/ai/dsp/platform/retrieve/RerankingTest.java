package ai.dsp.platform.retrieve;

import ai.dsp.platform.api.BadRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RerankingTest {

    private static final List<RetrievedChunk> FUSED = List.of(chunk("a", "alpha"), chunk("b", "beta"), chunk("c", "gamma"), chunk("d", "delta"));

    @Test
    void theRerankersOrderDecidesTheThresholdDropsAndTiesKeepTheFusedOrder() {
        Reranking reranking = new Reranking(scorer(Map.of("alpha", 0.2, "beta", 0.9, "gamma", 0.05, "delta", 0.9)), 10, 0.1, true);

        assertThat(ids(reranking.apply("c", "q", FUSED, true, 10))).containsExactly("b", "d", "a");
        assertThat(ids(reranking.apply("c", "q", FUSED, false, 10))).containsExactly("b", "d", "a", "c");
        assertThat(ids(reranking.apply("c", "q", FUSED, false, 2))).containsExactly("b", "d");
        assertThat(reranking.apply("c", "q", FUSED, true, 10).get(0).rerankScore()).isEqualTo(0.9);
    }

    @Test
    void aRerankerThatFailsOrMiscountsLeavesTheFusedOrder() {
        Reranker failing = new Reranker() {
            @Override
            public List<Double> scores(String query, List<String> texts) {
                throw new IllegalStateException("model server down");
            }

            @Override
            public String name() {
                return "failing";
            }
        };

        assertThat(ids(new Reranking(failing, 10, 0.1, true).apply("c", "q", FUSED, true, 3))).containsExactly("a", "b", "c");
        Reranking short_ = new Reranking(new Reranker() {
            @Override
            public List<Double> scores(String query, List<String> texts) {
                return List.of(1.0);
            }

            @Override
            public String name() {
                return "short";
            }
        }, 10, 0.1, true);
        assertThat(ids(short_.apply("c", "q", FUSED, true, 4))).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aRequestGetsTheCollectionsRerankingWhenItAsksOrTheCollectionReranksByDefault() {
        Reranking byDefault = new Reranking(scorer(Map.of()), 10, 0.1, true);
        Reranking onRequest = new Reranking(scorer(Map.of()), 10, 0.1, false);

        assertThat(Reranking.requested("c", null, byDefault)).isSameAs(byDefault);
        assertThat(Reranking.requested("c", null, onRequest)).isNull();
        assertThat(Reranking.requested("c", true, onRequest)).isSameAs(onRequest);
        assertThat(Reranking.requested("c", false, byDefault)).isNull();
        assertThat(Reranking.requested("c", null, null)).isNull();
        assertThatThrownBy(() -> Reranking.requested("c", true, null)).isInstanceOf(BadRequestException.class).hasMessageContaining("no reranker");
    }

    private static Reranker scorer(Map<String, Double> byText) {
        return new Reranker() {
            @Override
            public List<Double> scores(String query, List<String> texts) {
                return texts.stream().map(text -> byText.getOrDefault(text, 0.0)).toList();
            }

            @Override
            public String name() {
                return "scorer";
            }
        };
    }

    private static RetrievedChunk chunk(String id, String text) {
        return new RetrievedChunk(id, id + ".txt", id + ":0", text, 0.5, 1, 1, null, null, List.of(), Map.of());
    }

    private static List<String> ids(List<RetrievedChunk> chunks) {
        return chunks.stream().map(RetrievedChunk::documentId).toList();
    }
}
