package ai.dsp.platform.store;

import java.util.Locale;

/**
 * The model whose vectors an index holds. Vectors of different models (or dimensions) never
 * share an index: a collection's change of model is a blue-green rebuild in either store.
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

    /** Part of an index or folder name: lower case, only characters Elasticsearch and file systems allow there. */
    public String slug() {
        return model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-") + "-" + dimensions;
    }
}
