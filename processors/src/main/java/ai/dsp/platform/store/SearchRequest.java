package ai.dsp.platform.store;

import java.util.List;
import java.util.Map;

/**
 * One retriever's search within a collection: {@code text} for BM25, {@code vector} for kNN.
 * {@code terms}: an expanded query for BM25 instead of {@code text}, analysed terms (as
 * {@link EnglishTerms} gives them) each with its weight; a chunk scores the weighted sum of its
 * terms' BM25 scores. {@code keysOnly}: the hits need carry only their chunk's document id and
 * ordinal (its id), not its text and metadata: all that fusion reads, so that the fused top k
 * alone are read in full afterwards. A hint: a store may return whole chunks (Elasticsearch does,
 * where reading them afterwards costs a round trip), which are then not read again. {@code space}:
 * the model {@code vector} was embedded with ({@link ChunkStore#vectorSpace}), so the store reads
 * the index in that model or refuses; null for the collection's live index, whatever it holds.
 */
public record SearchRequest(String collection, String text, float[] vector, int k, List<MetadataFilter> filters,
                            Map<String, Double> terms, boolean keysOnly, EmbeddingSpace space) {

    public SearchRequest {
        filters = filters == null ? List.of() : List.copyOf(filters);
        terms = terms == null ? null : Map.copyOf(terms);
    }

    public SearchRequest(String collection, String text, float[] vector, int k, List<MetadataFilter> filters) {
        this(collection, text, vector, k, filters, null, false, null);
    }

    /** BM25 over weighted analysed terms. */
    public static SearchRequest weightedTerms(String collection, Map<String, Double> terms, int k, List<MetadataFilter> filters) {
        return new SearchRequest(collection, null, null, k, filters, terms, false, null);
    }

    /** The same search for hits that carry only their chunk's key. */
    public SearchRequest keys() {
        return new SearchRequest(collection, text, vector, k, filters, terms, true, space);
    }

    /** The same search with a vector embedded in {@code embeddedIn}. */
    public SearchRequest inSpace(EmbeddingSpace embeddedIn) {
        return new SearchRequest(collection, text, vector, k, filters, terms, keysOnly, embeddedIn);
    }

    /** The same search, weighted terms instead of text. */
    public SearchRequest withTerms(Map<String, Double> weighted) {
        return new SearchRequest(collection, null, null, k, filters, weighted, keysOnly, null);
    }
}
