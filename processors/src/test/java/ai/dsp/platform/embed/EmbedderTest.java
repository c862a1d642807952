package ai.dsp.platform.embed;

import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.store.EmbeddingSpace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static ai.dsp.platform.store.TestVectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each collection's vectors come from the model it names; the rest from the default. */
class EmbedderTest {

    static ExecutorService pool;
    static Embedder embedder;
    static final Map<InProcessModel, Integer> loads = new ConcurrentHashMap<>();

    @BeforeAll
    static void load() {
        pool = Executors.newFixedThreadPool(2);
        Map<String, InProcessModel> chosen = Map.of("papers", InProcessModel.BGE_SMALL_EN_V15_Q);
        embedder = new Embedder(model -> {
            loads.merge(model, 1, Integer::sum);
            return new OnnxEmbeddingModel(model, pool, 1);
        }, InProcessModel.ALL_MINILM_L6_V2_Q, collection -> Optional.ofNullable(chosen.get(collection)), 8,
                PlatformMetrics.discarding());
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void aCollectionNamingBgeGetsBgeVectorsAndTheOthersTheDefaultsEachModelLoadedOnce() {
        assertThat(embedder.of("papers")).isEqualTo(new EmbeddingSpace("bge-small-en-v15-q", 384));
        assertThat(embedder.of("handbook")).isEqualTo(new EmbeddingSpace("all-minilm-l6-v2-q", 384));
        assertThat(embedder.unrecorded()).isEqualTo(embedder.of("handbook"));

        String passage = "A compiler translates a program written in a high-level language into machine code.";
        float[] bge = embedder.embedAll("papers", List.of(passage)).get(0);
        float[] minilm = embedder.embedAll("handbook", List.of(passage)).get(0);
        assertThat(bge).isEqualTo(embedder.embed(embedder.of("papers"), List.of(passage)).get(0));
        assertThat(minilm).isEqualTo(embedder.embedAll(List.of(passage)).get(0));
        assertThat(cosine(bge, minilm)).isLessThan(0.5);
        embedder.embedQuery(embedder.of("papers"), "how do compilers work");
        assertThat(loads).containsOnly(Map.entry(InProcessModel.ALL_MINILM_L6_V2_Q, 1), Map.entry(InProcessModel.BGE_SMALL_EN_V15_Q, 1));
    }

    @Test
    void bgeQueriesCarryTheRetrievalInstructionAndFindTheirPassage() {
        String question = "how does a compiler turn programs into machine instructions";
        float[] query = embedder.embedQuery(embedder.of("papers"), question);
        List<float[]> passages = embedder.embedAll("papers", List.of(
                "A compiler translates a program written in a high-level language into machine code.",
                "Pancakes are served with maple syrup on Friday mornings."));

        assertThat(query).isNotEqualTo(embedder.embedAll("papers", List.of(question)).get(0));
        assertThat(cosine(query, passages.get(0))).isGreaterThan(cosine(query, passages.get(1)) + 0.2);
    }

    @Test
    void modelsAreFoundByTheNamesManifestsUseAndAnUnknownNameIsRefused() {
        assertThat(InProcessModel.named("sentence-transformers/all-MiniLM-L6-v2")).contains(InProcessModel.ALL_MINILM_L6_V2_Q);
        assertThat(InProcessModel.named("all-MiniLM-L6-v2")).contains(InProcessModel.ALL_MINILM_L6_V2_Q);
        assertThat(InProcessModel.named("BAAI/bge-small-en-v1.5")).contains(InProcessModel.BGE_SMALL_EN_V15_Q);
        assertThat(InProcessModel.named(" bge-small-en-v15-q ")).contains(InProcessModel.BGE_SMALL_EN_V15_Q);
        assertThat(InProcessModel.named("text-embedding-ada-002")).isEmpty();
        assertThatThrownBy(() -> InProcessModel.require("all-mpnet-base-v2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all-minilm-l6-v2-q");
        assertThatThrownBy(() -> embedder.embed(new EmbeddingSpace("bge-small-en-v15-q", 768), List.of("text")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
