package ai.dsp.platform.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static ai.dsp.platform.store.TestVectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Our session options change how the model runs, never what it computes. */
class OnnxEmbeddingModelTest {

    static ExecutorService pool;
    static OnnxEmbeddingModel model;

    @BeforeAll
    static void load() {
        pool = Executors.newFixedThreadPool(2);
        model = new OnnxEmbeddingModel(InProcessModel.ALL_MINILM_L6_V2_Q, pool, 1);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void producesTheSameVectorsAsLangChain4jsOwnSession() {
        String text = "Time-sharing systems let many users share one computer interactively.";
        float[] ours = model.embed(text).content().vector();
        float[] stock = new AllMiniLmL6V2QuantizedEmbeddingModel().embed(text).content().vector();

        assertThat(ours).hasSize(384);
        assertThat(cosine(ours, stock)).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void bgeSmallProducesTheSameVectorsAsLangChain4jsOwnSessionAndDiffersFromTheDefault() {
        OnnxEmbeddingModel bge = new OnnxEmbeddingModel(InProcessModel.BGE_SMALL_EN_V15_Q, pool, 1);
        String text = "Time-sharing systems let many users share one computer interactively.";
        float[] ours = bge.embed(text).content().vector();
        float[] stock = new BgeSmallEnV15QuantizedEmbeddingModel().embed(text).content().vector();

        assertThat(ours).hasSize(384);
        assertThat(cosine(ours, stock)).isCloseTo(1.0, within(1e-4));
        // same length, another space: the reason a model change rebuilds a collection
        assertThat(cosine(ours, model.embed(text).content().vector())).isLessThan(0.5);
    }

    @Test
    void batchesInParallelInInputOrderWithMeaningfulSimilarity() {
        List<float[]> vectors = model.embedAll(List.of(
                TextSegment.from("compilers translate programs into machine code"),
                TextSegment.from("a code generator turns source programs into instructions"),
                TextSegment.from("pancakes are served on Friday mornings"))).content()
                .stream().map(Embedding::vector).toList();

        assertThat(vectors).hasSize(3);
        assertThat(cosine(vectors.get(0), model.embed("compilers translate programs into machine code").content().vector()))
                .isCloseTo(1.0, within(1e-4));
        assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.2);
    }
}
