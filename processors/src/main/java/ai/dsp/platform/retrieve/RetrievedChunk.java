package ai.dsp.platform.retrieve;

import ai.dsp.platform.graph.GraphHit;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * One ranked passage. {@code score} is the fused RRF score in the hybrid modes, else the
 * retriever's own score; the ranks say where each retriever placed it (null: not among its
 * candidates). A passage the knowledge graph found carries the path that reached it; a reranked
 * one, the reranker's score ({@code rerank_score}), which decided its place.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrievedChunk(
        @JsonProperty("document_id") String documentId,
        String filename,
        @JsonProperty("chunk_id") String chunkId,
        String text,
        double score,
        @JsonProperty("keyword_rank") Integer keywordRank,
        @JsonProperty("dense_rank") Integer denseRank,
        @JsonProperty("graph_rank") Integer graphRank,
        @JsonProperty("graph_path") GraphPath graphPath,
        @JsonProperty("heading_path") List<String> headingPath,
        Map<String, Object> metadata,
        @JsonProperty("rerank_score") Double rerankScore) {

    public RetrievedChunk(String documentId, String filename, String chunkId, String text, double score, Integer keywordRank,
                          Integer denseRank, Integer graphRank, GraphPath graphPath, List<String> headingPath, Map<String, Object> metadata) {
        this(documentId, filename, chunkId, text, score, keywordRank, denseRank, graphRank, graphPath, headingPath, metadata, null);
    }

    public RetrievedChunk withScore(double value) {
        return new RetrievedChunk(documentId, filename, chunkId, text, value, keywordRank, denseRank, graphRank, graphPath, headingPath,
                metadata, rerankScore);
    }

    public RetrievedChunk reranked(double rerankerScore) {
        return new RetrievedChunk(documentId, filename, chunkId, text, score, keywordRank, denseRank, graphRank, graphPath, headingPath,
                metadata, rerankerScore);
    }

    /**
     * How the knowledge graph reached the passage: from the question's entity {@code entry},
     * relation by relation, to an entity the passage mentions (no steps: it mentions the entry).
     */
    public record GraphPath(String entry, List<GraphHit.Step> steps) {
    }
}
