package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ScoredChunk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack et al. 2009): score = sum over retrievers of 1 / (k + rank).
 * Done in the application because neither Lucene nor Elasticsearch's free tier fuse server-side.
 */
public final class ReciprocalRankFusion {

    /** The graph's default weight against keyword's and dense's (1 each): as much as both together. */
    public static final double DEFAULT_GRAPH_WEIGHT = 2.0;

    private final int k;
    private final double keywordWeight;
    private final double denseWeight;
    private final double graphWeight;

    public ReciprocalRankFusion(int k) {
        this(k, 1.0, 1.0, DEFAULT_GRAPH_WEIGHT);
    }

    /** Each leg's weight: a chunk's score is the sum over legs of weight / (k + rank). */
    public ReciprocalRankFusion(int k, double keywordWeight, double denseWeight, double graphWeight) {
        this.k = k;
        this.keywordWeight = keywordWeight;
        this.denseWeight = denseWeight;
        this.graphWeight = graphWeight;
    }

    public static ReciprocalRankFusion of(RetrievalSettings settings) {
        return new ReciprocalRankFusion(settings.rrfK(), settings.keywordWeight(), settings.denseWeight(), settings.graphWeight());
    }

    /** A fused hit with the 1-based rank each retriever gave it (null when it did not find it). */
    public record Fused(Chunk chunk, double score, Integer keywordRank, Integer denseRank, Integer graphRank) {
    }

    public List<Fused> fuse(List<ScoredChunk> keyword, List<ScoredChunk> dense, int limit) {
        return fuse(keyword, dense, List.of(), limit);
    }

    /**
     * {@code graph}: the knowledge graph's chunks, best first (hybrid+graph). By default the graph
     * weighs as much as keyword and dense together: a chunk only the graph finds (the one a
     * question does not name) would otherwise always rank below the chunks both other legs find;
     * where the graph is weak (topical questions, few entities), a lower weight keeps it from
     * pushing hybrid's results down. Where keyword matching is weak (or strong), the keyword and
     * dense weights shift the balance the same way. The sum is scaled so that a chunk every leg
     * ranks first scores 2 / (k + 1), whatever the weights, so that scores (and a min_score) keep
     * their meaning when the weights are tuned.
     */
    public List<Fused> fuse(List<ScoredChunk> keyword, List<ScoredChunk> dense, List<ScoredChunk> graph, int limit) {
        double scale = 2.0 / (keywordWeight + denseWeight + (graph.isEmpty() ? 0 : graphWeight));
        Map<String, Accumulator> byId = new LinkedHashMap<>();
        for (int i = 0; i < keyword.size(); i++) {
            accumulator(byId, keyword.get(i).chunk()).keywordRank = i + 1;
        }
        for (int i = 0; i < dense.size(); i++) {
            accumulator(byId, dense.get(i).chunk()).denseRank = i + 1;
        }
        for (int i = 0; i < graph.size(); i++) {
            accumulator(byId, graph.get(i).chunk()).graphRank = i + 1;
        }
        List<Fused> fused = new ArrayList<>(byId.size());
        for (Accumulator a : byId.values()) {
            fused.add(new Fused(a.chunk, scale * (keywordWeight * contribution(a.keywordRank) + denseWeight * contribution(a.denseRank)
                    + graphWeight * contribution(a.graphRank)),
                    a.keywordRank, a.denseRank, a.graphRank));
        }
        // ties broken by chunk id so equal inputs always give the same order
        fused.sort(Comparator.comparingDouble(Fused::score).reversed().thenComparing(f -> f.chunk().id()));
        return fused.size() > limit ? fused.subList(0, limit) : fused;
    }

    /** Rankings of several queries as one: each chunk scores the sum of 1 / (k + rank) over the rankings that hold it. */
    public static List<RetrievedChunk> fuseRankings(List<List<RetrievedChunk>> rankings, int rrfK, int limit) {
        Map<String, RetrievedChunk> chunks = new LinkedHashMap<>();
        Map<String, Double> scores = new HashMap<>();
        for (List<RetrievedChunk> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                RetrievedChunk chunk = ranking.get(i);
                chunks.putIfAbsent(chunk.chunkId(), chunk);
                scores.merge(chunk.chunkId(), 1.0 / (rrfK + i + 1), Double::sum);
            }
        }
        return chunks.values().stream()
                .map(chunk -> chunk.withScore(scores.get(chunk.chunkId())))
                .sorted(Comparator.comparingDouble(RetrievedChunk::score).reversed().thenComparing(RetrievedChunk::chunkId))
                .limit(limit)
                .toList();
    }

    private double contribution(Integer rank) {
        return rank == null ? 0.0 : 1.0 / (k + rank);
    }

    private static Accumulator accumulator(Map<String, Accumulator> byId, Chunk chunk) {
        return byId.computeIfAbsent(chunk.id(), id -> new Accumulator(chunk));
    }

    private static final class Accumulator {
        private final Chunk chunk;
        private Integer keywordRank;
        private Integer denseRank;
        private Integer graphRank;

        private Accumulator(Chunk chunk) {
            this.chunk = chunk;
        }
    }
}
