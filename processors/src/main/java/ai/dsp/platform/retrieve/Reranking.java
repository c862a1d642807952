package ai.dsp.platform.retrieve;

import ai.dsp.platform.api.BadRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A collection's reranking, as the seed's {@code reranking} section has it: the {@code topN}
 * fused candidates (at least k) are scored by {@code reranker} and put in its order; with
 * {@code filter_after_reranking} (the default) those scoring below {@code scoreThreshold} are
 * dropped. {@code enabledByDefault}: the module's {@code reranker_enabled}, what a request that
 * says nothing ({@code use_reranking}) gets.
 */
public record Reranking(Reranker reranker, int topN, double scoreThreshold, boolean enabledByDefault) {

    private static final Logger LOG = LoggerFactory.getLogger(Reranking.class);
    public static final int DEFAULT_TOP_N = 10;
    public static final double DEFAULT_SCORE_THRESHOLD = 0.1;

    public Reranking {
        Objects.requireNonNull(reranker, "reranker");
        if (topN < 1 || topN > RetrievalSettings.MAX_CANDIDATES) {
            throw new IllegalArgumentException("reranking.top_n must be between 1 and " + RetrievalSettings.MAX_CANDIDATES + ", was " + topN);
        }
    }

    /**
     * The reranking a request gets: the collection's ({@code configured}, null: none) when the
     * request asks for it ({@code asked} true), or says nothing and the collection reranks by default.
     */
    static Reranking requested(String collection, Boolean asked, Reranking configured) {
        if (Boolean.TRUE.equals(asked) && configured == null) {
            throw new BadRequestException("collection " + collection + " has no reranker: a rag_config module's reranker_module names one"
                    + " (a model_server or inference_endpoint module of its project)");
        }
        if (Boolean.FALSE.equals(asked) || configured == null) {
            return null;
        }
        return asked != null || configured.enabledByDefault() ? configured : null;
    }

    /**
     * The candidates in the reranker's order, the top k of them; with {@code filter}, without those
     * it scores below the threshold. A reranker that fails leaves the fused order (the answer is
     * worse, not gone), as the seed does.
     */
    List<RetrievedChunk> apply(String collection, String query, List<RetrievedChunk> candidates, boolean filter, int k) {
        if (candidates.isEmpty()) {
            return candidates;
        }
        List<Double> scores;
        try {
            scores = reranker.scores(query, candidates.stream().map(RetrievedChunk::text).toList());
            if (scores.size() != candidates.size()) {
                throw new IllegalStateException("it answered " + scores.size() + " scores for " + candidates.size() + " passages");
            }
        } catch (RuntimeException e) {
            LOG.warn("reranker {} of collection {} failed ({}); the fused order is kept", reranker.name(), collection, e.getMessage());
            return candidates.subList(0, Math.min(k, candidates.size()));
        }
        List<RetrievedChunk> reranked = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            reranked.add(candidates.get(i).reranked(scores.get(i)));
        }
        // a stable sort: passages the reranker ties keep their fused order
        reranked.sort(Comparator.comparingDouble((RetrievedChunk chunk) -> chunk.rerankScore()).reversed());
        return reranked.stream().filter(chunk -> !filter || chunk.rerankScore() >= scoreThreshold).limit(k).toList();
    }
}
