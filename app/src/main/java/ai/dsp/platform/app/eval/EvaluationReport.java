package ai.dsp.platform.app.eval;

import ai.dsp.platform.eval.RankingMetrics;

import java.time.Instant;
import java.util.List;

/**
 * What an evaluation found: how the dataset went through ingestion, and per retrieval mode the
 * mean of each figure over the judged queries (and each query's own figures).
 */
public record EvaluationReport(
        String dataset,
        String collection,
        Instant finishedAt,
        int documents,
        long indexed,
        long failed,
        long chunks,
        double ingestSeconds,
        int judgedQueries,
        int depth,
        List<ModeResult> modes) {

    public record ModeResult(String mode, RankingMetrics mean, double latencyP50Ms, double latencyP95Ms,
                             List<QueryResult> queries) {
    }

    public record QueryResult(String queryId, int retrievedDocuments, RankingMetrics metrics) {
    }
}
