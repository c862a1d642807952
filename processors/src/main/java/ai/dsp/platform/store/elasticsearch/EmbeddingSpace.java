package ai.dsp.platform.store.elasticsearch;

import java.util.Locale;

/**
 * The model whose vectors an index holds. Vectors of different models (or dimensions) never
 * share an index: a change of model builds a new one (see {@link IndexRebuild}).
 */
public record EmbeddingSpace(String model, int dimensions) {

    public EmbeddingSpace {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be named");
        }
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
    }

    /** Part of an index name: lower case, only characters Elasticsearch allows there. */
    public String slug() {
        return model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-") + "-" + dimensions;
    }
}
