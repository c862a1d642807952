package ai.dsp.platform.retrieve;

import java.util.Objects;

/**
 * A collection's reranking, as the seed's {@code reranking} section has it: the {@code topN}
 * fused candidates (at least k) are scored by {@code reranker} and put in its order; with
 * {@code filter_after_reranking} (the default) those scoring below {@code scoreThreshold} are
 * dropped. {@code enabledByDefault}: the module's {@code reranker_enabled}, what a request that
 * says nothing ({@code use_reranking}) gets.
 */
public record Reranking(Reranker reranker, int topN, double scoreThreshold, boolean enabledByDefault) {

    public static final int DEFAULT_TOP_N = 10;
    public static final double DEFAULT_SCORE_THRESHOLD = 0.1;

    public Reranking {
        Objects.requireNonNull(reranker, "reranker");
        if (topN < 1 || topN > RetrievalSettings.MAX_CANDIDATES) {
            throw new IllegalArgumentException("reranking.top_n must be between 1 and " + RetrievalSettings.MAX_CANDIDATES + ", was " + topN);
        }
    }
}
