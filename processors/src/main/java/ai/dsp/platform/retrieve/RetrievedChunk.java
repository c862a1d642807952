package ai.dsp.platform.retrieve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * One ranked passage. {@code score} is the fused RRF score in hybrid mode, else the retriever's
 * own score; the ranks say where each retriever placed it (null: not among its candidates).
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
        @JsonProperty("heading_path") List<String> headingPath,
        Map<String, Object> metadata) {
}
