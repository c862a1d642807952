package ai.dsp.platform.store;

import java.util.List;

/** One retriever's search within a collection: {@code text} for BM25, {@code vector} for kNN. */
public record SearchRequest(String collection, String text, float[] vector, int k, List<MetadataFilter> filters) {

    public SearchRequest {
        filters = filters == null ? List.of() : List.copyOf(filters);
    }
}
