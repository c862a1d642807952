package ai.dsp.platform.retrieve;

/**
 * How one collection's searches fuse and expand: each retriever's {@code candidates} before
 * fusion (at least k), the RRF constant {@code rrfK}, each leg's RRF weight, and RM3 on the
 * keyword leg ({@code rm3} null: off), the reranker of the fused candidates ({@code reranking}
 * null: none) and LLM query expansion ({@code expansion} null: none). From {@code dsp.retrieval.*}, a collection's {@code dsp.retrieval.collections.<name>.*}
 * and its {@code rag_config} module, in that order.
 */
public record RetrievalSettings(int candidates, int rrfK, double keywordWeight, double denseWeight, double graphWeight,
                                Rm3.Settings rm3, Reranking reranking, Expansion expansion) {

    public static final int MAX_CANDIDATES = 1000;
    public static final double MAX_WEIGHT = 100;

    public RetrievalSettings {
        if (candidates < 1 || candidates > MAX_CANDIDATES) {
            throw new IllegalArgumentException("candidates must be between 1 and " + MAX_CANDIDATES + ", was " + candidates);
        }
        if (rrfK < 1) {
            throw new IllegalArgumentException("rrf_k must be positive, was " + rrfK);
        }
        requireWeight("keyword_weight", keywordWeight);
        requireWeight("dense_weight", denseWeight);
        requireWeight("graph_weight", graphWeight);
        if (keywordWeight + denseWeight == 0) {
            throw new IllegalArgumentException("keyword_weight and dense_weight must not both be 0");
        }
    }

    public RetrievalSettings(int candidates, int rrfK, double keywordWeight, double denseWeight, double graphWeight, Rm3.Settings rm3) {
        this(candidates, rrfK, keywordWeight, denseWeight, graphWeight, rm3, null, null);
    }

    public RetrievalSettings withCandidates(int value) {
        return new RetrievalSettings(value, rrfK, keywordWeight, denseWeight, graphWeight, rm3, reranking, expansion);
    }

    public RetrievalSettings withRrfK(int value) {
        return new RetrievalSettings(candidates, value, keywordWeight, denseWeight, graphWeight, rm3, reranking, expansion);
    }

    public RetrievalSettings withWeights(double keyword, double dense, double graph) {
        return new RetrievalSettings(candidates, rrfK, keyword, dense, graph, rm3, reranking, expansion);
    }

    public RetrievalSettings withRm3(Rm3.Settings value) {
        return new RetrievalSettings(candidates, rrfK, keywordWeight, denseWeight, graphWeight, value, reranking, expansion);
    }

    public RetrievalSettings withReranking(Reranking value) {
        return new RetrievalSettings(candidates, rrfK, keywordWeight, denseWeight, graphWeight, rm3, value, expansion);
    }

    public RetrievalSettings withExpansion(Expansion value) {
        return new RetrievalSettings(candidates, rrfK, keywordWeight, denseWeight, graphWeight, rm3, reranking, value);
    }

    private static void requireWeight(String name, double weight) {
        if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_WEIGHT + ", was " + weight);
        }
    }
}
