package ai.dsp.platform.store;

import java.util.List;
import java.util.Map;

/**
 * One retriever's search within a collection: {@code text} for BM25, {@code vector} for kNN.
 * {@code terms}: an expanded query for BM25 instead of {@code text}, analysed terms (as
 * {@link EnglishTerms} gives them) each with its weight; a chunk scores the weighted sum of its
 * terms' BM25 scores.
 */
public record SearchRequest(String collection, String text, float[] vector, int k, List<MetadataFilter> filters,
                            Map<String, Double> terms) {

    public SearchRequest {
        filters = filters == null ? List.of() : List.copyOf(filters);
        terms = terms == null ? null : Map.copyOf(terms);
    }

    public SearchRequest(String collection, String text, float[] vector, int k, List<MetadataFilter> filters) {
        this(collection, text, vector, k, filters, null);
    }

    /** BM25 over weighted analysed terms. */
    public static SearchRequest weightedTerms(String collection, Map<String, Double> terms, int k, List<MetadataFilter> filters) {
        return new SearchRequest(collection, null, null, k, filters, terms);
    }
}
