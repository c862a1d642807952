package ai.dsp.platform.store;

import java.util.List;

/**
 * Which embedding model each collection's vectors come from, and the means to embed texts with
 * it: what a store needs to keep one model per index and to re-embed a collection whose model
 * changed.
 */
public interface EmbeddingSpaces {

    /** The space the collection's vectors must be in now (a store rebuilds an index holding another). */
    EmbeddingSpace of(String collection);

    /** The space of an index that records none: indexes written before models were chosen per collection. */
    EmbeddingSpace unrecorded();

    /** Passage vectors of {@code texts} in {@code space}, in order. */
    List<float[]> embed(EmbeddingSpace space, List<String> texts);
}
