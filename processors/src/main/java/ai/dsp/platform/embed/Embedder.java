package ai.dsp.platform.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/** Turns passages and queries into vectors with one shared embedding model, in bounded batches. */
public final class Embedder {

    private final EmbeddingModel model;
    private final int batchSize;

    public Embedder(EmbeddingModel model, int batchSize) {
        this.model = model;
        this.batchSize = batchSize;
    }

    public int dimensions() {
        return model.dimension();
    }

    public float[] embedQuery(String text) {
        return model.embed(text).content().vector();
    }

    public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize))
                    .stream().map(TextSegment::from).toList();
            for (Embedding embedding : model.embedAll(batch).content()) {
                vectors.add(embedding.vector());
            }
        }
        return vectors;
    }
}
