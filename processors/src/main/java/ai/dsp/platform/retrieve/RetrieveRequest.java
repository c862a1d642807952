package ai.dsp.platform.retrieve;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * The body of {@code /api/v1/retrieve} and {@code /api/v1/query}. {@code filter} maps a metadata
 * field to a value (equality), {@code {"in": [...]}} or a range {@code {"gte": .., "lt": ..}}.
 * {@code stream}: {@code /api/v1/query} answers with Server-Sent Events when true (without it, an
 * {@code Accept: text/event-stream} header decides); {@code /retrieve} ignores it. Fields the
 * platform does not know are ignored, so clients of other RAG APIs keep working. {@code max_hops}:
 * in the graph modes, fewer relations than the collection's {@code max_hops} (a quicker, narrower
 * traversal); never more. {@code use_reranking}: rerank the fused candidates with the collection's
 * reranker (null: as the collection's {@code reranker_enabled} says); {@code filter_after_reranking}
 * (null: true): drop what the reranker scores below the collection's threshold, as the seed does.
 */
public record RetrieveRequest(
        String query,
        String collection,
        Integer k,
        RetrievalMode mode,
        Map<String, Object> filter,
        @JsonProperty("min_score") Double minScore,
        Boolean stream,
        @JsonProperty("max_hops") Integer maxHops,
        @JsonProperty("use_reranking") Boolean useReranking,
        @JsonProperty("filter_after_reranking") Boolean filterAfterReranking) {

    public RetrieveRequest(String query, String collection, Integer k, RetrievalMode mode, Map<String, Object> filter, Double minScore,
                           Boolean stream, Integer maxHops) {
        this(query, collection, k, mode, filter, minScore, stream, maxHops, null, null);
    }

    public RetrieveRequest(String query, String collection, Integer k, RetrievalMode mode, Map<String, Object> filter, Double minScore,
                           Boolean stream) {
        this(query, collection, k, mode, filter, minScore, stream, null);
    }
}
