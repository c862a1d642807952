package ai.dsp.platform.retrieve;

import java.util.List;

/** The body of {@code /api/v1/query}: a grounded answer whose [n] markers index {@code sources}. */
public record QueryResponse(String answer, List<Integer> citations, String generator, List<QuerySource> sources, Timings timings) {

    public record QuerySource(int number, String document_id, String chunk_id, String filename, String text, double score) {
    }

    public record Timings(long retrieveMs, long answerMs, long totalMs) {
    }
}
