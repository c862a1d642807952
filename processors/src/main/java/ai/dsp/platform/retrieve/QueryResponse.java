package ai.dsp.platform.retrieve;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The body of {@code /api/v1/query}: a grounded answer whose [n] markers index {@code sources}. */
public record QueryResponse(String answer, List<Integer> citations, String generator, List<QuerySource> sources, Timings timings) {

    /** {@code graph_path}: how the knowledge graph reached the source (graph modes only; absent otherwise). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuerySource(int number, String document_id, String chunk_id, String filename, String text, double score,
                              RetrievedChunk.GraphPath graph_path) {
    }

    public record Timings(long retrieveMs, long answerMs, long totalMs) {
    }
}
