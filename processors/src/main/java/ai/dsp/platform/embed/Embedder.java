package ai.dsp.platform.embed;

import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Use;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/** Turns passages and queries into vectors with one shared embedding model, in bounded batches. */
public final class Embedder {

    private final EmbeddingModel model;
    private final int batchSize;
    private final PlatformMetrics metrics;

    public Embedder(EmbeddingModel model, int batchSize, PlatformMetrics metrics) {
        this.model = model;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    public int dimensions() {
        return model.dimension();
    }

    public float[] embedQuery(String text) {
        long started = System.nanoTime();
        float[] vector = model.embed(text).content().vector();
        metrics.embedded(Use.QUERY, 1, System.nanoTime() - started);
        return vector;
    }

    public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize))
                    .stream().map(TextSegment::from).toList();
            long started = System.nanoTime();
            List<Embedding> embeddings = model.embedAll(batch).content();
            metrics.embedded(Use.PASSAGE, batch.size(), System.nanoTime() - started);
            for (Embedding embedding : embeddings) {
                vectors.add(embedding.vector());
            }
        }
        return vectors;
    }
}
