package ai.dsp.platform.retrieve;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.graph.GraphHit;
import ai.dsp.platform.graph.KnowledgeGraph;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Endpoint;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/**
 * Hybrid retrieval: BM25 (its query expanded by RM3 where the collection has it on) and kNN
 * candidates from the chunk store, fused by weighted reciprocal rank, and for collections with
 * the knowledge graph on, the chunks its traversal reaches (fetched from the chunk store with the
 * same filters). The keyword search runs beside the query's embedding, the two being
 * independent. Each query's time, empty results, cache use and best dense similarity are measured.
 */
public final class Retriever {

    private static final Logger LOG = LoggerFactory.getLogger(Retriever.class);
    public static final int MAX_K = 100;
    private static final int MAX_QUERY_CHARS = 4096;

    private final ChunkStore store;
    private final Embedder embedder;
    private final CollectionCatalog collections;
    private final RetrievalCollections settings;
    private final Rm3 rm3;
    private final Executor keywordSearches;
    private final QueryCache cache;
    private final PlatformMetrics metrics;
    private final KnowledgeGraph graph;

    /**
     * @param settings        each collection's fusion and expansion settings
     * @param keywordSearches runs a hybrid query's keyword leg while the query thread embeds
     */
    public Retriever(ChunkStore store, Embedder embedder, CollectionCatalog collections, RetrievalCollections settings,
                     QueryCache cache, PlatformMetrics metrics, KnowledgeGraph graph, Executor keywordSearches) {
        this.store = store;
        this.embedder = embedder;
        this.collections = collections;
        this.settings = settings;
        this.rm3 = new Rm3(store);
        this.keywordSearches = keywordSearches;
        this.cache = cache;
        this.metrics = metrics;
        this.graph = graph;
    }

    /**
     * {@code POST /api/v1/retrieve}. {@code scope}: what the caller may see (their ACL and the
     * filters their token carries), applied inside the store query with the request's own filters.
     */
    public RetrieveResponse retrieve(RetrieveRequest request, List<MetadataFilter> scope) {
        long started = System.nanoTime();
        RetrieveResponse response = find(request, scope);
        metrics.query(Endpoint.RETRIEVE, response.mode(), System.nanoTime() - started, response.results().size());
        return response;
    }

    /** The ranked chunks of a request, for an endpoint that measures itself ({@link QueryService}). */
    RetrieveResponse find(RetrieveRequest request, List<MetadataFilter> scope) {
        if (scope == null) {
            // deny by default: an entry point that forgot to say who is asking gets nothing
            throw new IllegalStateException("a retrieval needs the caller's scope");
        }
        long started = System.nanoTime();
        if (request == null) {
            throw new BadRequestException("request body must be a JSON object with a 'query'");
        }
        String query = requireQuery(request.query());
        int k = requireK(request.k());
        RetrievalMode mode = request.mode() == null ? RetrievalMode.HYBRID : request.mode();
        String collection = collections.requireKnown(request.collection());
        List<MetadataFilter> filters = new ArrayList<>(FilterParser.parse(request.filter()));
        filters.addAll(scope);
        // the scope is part of the key: one caller's results are never another's
        String cacheKey = String.join("\u0000", mode.wire(), String.valueOf(k), String.valueOf(request.minScore()),
                String.valueOf(request.maxHops()), String.valueOf(request.useReranking()), String.valueOf(request.filterAfterReranking()),
                filters.toString(), query);
        QueryCache.Entry entry = cache.lookup(collection, cacheKey);
        Optional<RetrieveResponse> cached = entry.cached();
        if (cache != QueryCache.NONE) {
            metrics.cache(cached.isPresent());
        }
        if (cached.isPresent()) {
            return cached.get();
        }

        RetrievalSettings with = settings.of(collection);
        Reranking reranking = Reranking.requested(collection, request.useReranking(), with.reranking());
        int depth = reranking == null ? k : Math.max(k, reranking.topN());
        List<RetrievedChunk> results = with.expansion() == null
                ? search(collection, query, mode, depth, filters, request.maxHops(), true, with)
                : expanded(collection, query, mode, depth, filters, request.maxHops(), with);
        if (request.minScore() != null) {
            results = results.stream().filter(r -> r.score() >= request.minScore()).toList();
        }
        results = reranking == null ? results
                : reranking.apply(collection, query, results, !Boolean.FALSE.equals(request.filterAfterReranking()), k);
        RetrieveResponse response = new RetrieveResponse(query, collection, mode.wire(), results,
                (System.nanoTime() - started) / 1_000_000);
        entry.store(response);
        return response;
    }

    /**
     * The query and the LLM's versions of it, each searched as the query would be, their rankings
     * fused by reciprocal rank. Without versions (the LLM failed or wrote none) the query alone.
     */
    private List<RetrievedChunk> expanded(String collection, String query, RetrievalMode mode, int depth, List<MetadataFilter> filters,
                                          Integer maxHops, RetrievalSettings with) {
        Set<String> queries = new LinkedHashSet<>(List.of(query));
        try {
            for (String variant : with.expansion().variants().variants(query, with.expansion().count())) {
                if (variant != null && !variant.isBlank() && variant.length() <= MAX_QUERY_CHARS && queries.size() <= with.expansion().count()) {
                    queries.add(variant.strip());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("query expansion by {} for collection {} failed ({}); the query is searched alone", with.expansion().variants().name(),
                    collection, e.getMessage());
        }
        List<List<RetrievedChunk>> rankings = new ArrayList<>();
        boolean first = true;
        for (String each : queries) {
            // the best dense similarity measured is the user's own query's
            rankings.add(search(collection, each, mode, depth, filters, maxHops, first, with));
            first = false;
        }
        return rankings.size() == 1 ? rankings.get(0) : ReciprocalRankFusion.fuseRankings(rankings, with.rrfK(), depth);
    }

    /**
     * Ranks a collection's chunks for an evaluation: the same search as {@link #retrieve}, to any
     * depth and never from the cache, with the collection's settings.
     */
    public List<RetrievedChunk> rank(String collection, String query, RetrievalMode mode, int depth) {
        return rank(collection, query, mode, depth, settings.of(collections.requireKnown(collection)));
    }

    /** {@link #rank(String, String, RetrievalMode, int)} with other settings: what an evaluation compares. */
    public List<RetrievedChunk> rank(String collection, String query, RetrievalMode mode, int depth, RetrievalSettings with) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be positive, was " + depth);
        }
        return search(collections.requireKnown(collection), requireQuery(query), mode, depth, List.of(), null, false, with);
    }

    /**
     * The keyword and dense legs of a hybrid search, {@code depth} each, unfused: what tuning
     * fuses again under many settings without searching again ({@code with}: RM3 or not).
     */
    public Legs legs(String collection, String query, int depth, RetrievalSettings with) {
        String known = collections.requireKnown(collection);
        String text = requireQuery(query);
        return new Legs(keyword(known, text, depth, List.of(), with, false), dense(known, text, depth, List.of(), false));
    }

    /** The two legs' rankings, best first. */
    public record Legs(List<ScoredChunk> keyword, List<ScoredChunk> dense) {
    }

    /**
     * {@code maxHops}: the graph modes' bound when the request sets one (null: the collection's).
     * {@code measured}: a user's query, whose best dense similarity is recorded (an evaluation's is not).
     */
    private List<RetrievedChunk> search(String collection, String query, RetrievalMode mode, int k, List<MetadataFilter> filters,
                                        Integer maxHops, boolean measured, RetrievalSettings with) {
        return switch (mode) {
            case KEYWORD -> single(keyword(collection, query, k, filters, with, false), true);
            case DENSE -> single(recordTop(measured, mode, dense(collection, query, k, filters, false)), false);
            case HYBRID -> hybrid(collection, query, k, filters, measured, null, with);
            case GRAPH -> graphOnly(collection, query, k, filters, maxHops);
            case HYBRID_GRAPH -> hybrid(collection, query, k, filters, measured, new GraphLeg(maxHops), with);
        };
    }

    /** The graph's part of a hybrid+graph search: its traversal bound (null: the collection's). */
    private record GraphLeg(Integer maxHops) {
    }

    /** {@code graphLeg}: null for hybrid without the graph. */
    private List<RetrievedChunk> hybrid(String collection, String query, int k, List<MetadataFilter> filters, boolean measured,
                                        GraphLeg graphLeg, RetrievalSettings with) {
        int candidates = Math.max(k, with.candidates());
        // the legs' hits carry only their keys: only the fused top k are read in full
        CompletableFuture<List<ScoredChunk>> keyword = CompletableFuture.supplyAsync(
                () -> keyword(collection, query, candidates, filters, with, true), keywordSearches);
        List<ScoredChunk> dense = recordTop(measured, RetrievalMode.HYBRID, dense(collection, query, candidates, filters, true));
        GraphResults reached = graphLeg != null ? graph(collection, query, candidates, filters, graphLeg.maxHops()) : GraphResults.NONE;
        List<ReciprocalRankFusion.Fused> fused = ReciprocalRankFusion.of(with).fuse(joined(keyword), dense, reached.chunks(), k);
        Map<String, Chunk> full = new HashMap<>();
        // a store that returned whole chunks anyway (Elasticsearch, where reading them later costs a round trip) is not asked again
        fused.stream().map(ReciprocalRankFusion.Fused::chunk).filter(chunk -> chunk.text() != null)
                .forEach(chunk -> full.put(chunk.id(), chunk));
        List<String> toRead = fused.stream().map(f -> f.chunk().id()).filter(id -> !full.containsKey(id)).toList();
        store.findChunks(collection, toRead, filters).forEach(chunk -> full.put(chunk.id(), chunk));
        // a chunk deleted since the legs ran is left out
        return fused.stream()
                .filter(f -> full.containsKey(f.chunk().id()))
                .map(f -> toResult(full.get(f.chunk().id()), f.score(), f.keywordRank(), f.denseRank(), f.graphRank(),
                        reached.path(f.chunk().id())))
                .toList();
    }

    private List<RetrievedChunk> graphOnly(String collection, String query, int k, List<MetadataFilter> filters, Integer maxHops) {
        GraphResults reached = graph(collection, query, k, filters, maxHops);
        List<ScoredChunk> chunks = reached.chunks();
        return IntStream.range(0, chunks.size())
                .mapToObj(i -> toResult(chunks.get(i).chunk(), chunks.get(i).score(), null, null, i + 1, reached.path(chunks.get(i).chunk().id())))
                .toList();
    }

    /** The knowledge graph's chunks, best first, with the hits that reached them by chunk id. */
    private record GraphResults(List<ScoredChunk> chunks, Map<String, GraphHit> hits) {

        static final GraphResults NONE = new GraphResults(List.of(), Map.of());

        RetrievedChunk.GraphPath path(String chunkId) {
            GraphHit hit = hits.get(chunkId);
            return hit == null ? null : new RetrievedChunk.GraphPath(hit.entry(), hit.path());
        }
    }

    /**
     * The graph reaches chunk ids as the caller's access list allows; the chunk store then reads
     * those chunks through every filter of the request, as a search would.
     */
    private GraphResults graph(String collection, String query, int k, List<MetadataFilter> filters, Integer maxHops) {
        MetadataFilter.Access access = filters.stream().filter(MetadataFilter.Access.class::isInstance)
                .map(MetadataFilter.Access.class::cast).findFirst().orElse(null);
        List<GraphHit> hits = graph.search(collection, query, k, access, maxHops);
        Map<String, Chunk> found = new HashMap<>();
        store.findChunks(collection, hits.stream().map(GraphHit::chunkId).toList(), filters).forEach(chunk -> found.put(chunk.id(), chunk));
        Map<String, GraphHit> byChunk = new HashMap<>();
        List<ScoredChunk> chunks = new ArrayList<>();
        for (GraphHit hit : hits) {
            Chunk chunk = found.get(hit.chunkId());
            if (chunk != null) {
                chunks.add(new ScoredChunk(chunk, (float) hit.score()));
                byChunk.put(hit.chunkId(), hit);
            }
        }
        return new GraphResults(chunks, byChunk);
    }

    private List<ScoredChunk> keyword(String collection, String query, int k, List<MetadataFilter> filters, RetrievalSettings with,
                                      boolean keysOnly) {
        SearchRequest full = new SearchRequest(collection, query, null, k, filters);
        SearchRequest request = keysOnly ? full.keys() : full;
        return with.rm3() != null ? rm3.search(request, with.rm3()) : store.searchKeyword(request);
    }

    /** The keyword leg's result, its failure rethrown as it was (a store outage stays a store outage). */
    private static List<ScoredChunk> joined(CompletableFuture<List<ScoredChunk>> leg) {
        try {
            return leg.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private List<ScoredChunk> dense(String collection, String query, int k, List<MetadataFilter> filters, boolean keysOnly) {
        EmbeddingSpace space = store.vectorSpace(collection);
        SearchRequest request = new SearchRequest(collection, null, embedder.embedQuery(space, query), k, filters).inSpace(space);
        return store.searchVector(keysOnly ? request.keys() : request);
    }

    private List<ScoredChunk> recordTop(boolean measured, RetrievalMode mode, List<ScoredChunk> denseHits) {
        if (measured && !denseHits.isEmpty()) {
            metrics.topSimilarity(mode.wire(), cosine(denseHits.get(0).score()));
        }
        return denseHits;
    }

    /** Both stores score a cosine kNN hit as {@code (1 + cosine) / 2} (Lucene's COSINE, Elasticsearch's cosine). */
    static double cosine(double vectorScore) {
        return 2 * vectorScore - 1;
    }

    private static List<RetrievedChunk> single(List<ScoredChunk> hits, boolean keyword) {
        return IntStream.range(0, hits.size())
                .mapToObj(i -> toResult(hits.get(i).chunk(), hits.get(i).score(),
                        keyword ? i + 1 : null, keyword ? null : i + 1, null, null))
                .toList();
    }

    private static RetrievedChunk toResult(Chunk chunk, double score, Integer keywordRank, Integer denseRank, Integer graphRank,
                                           RetrievedChunk.GraphPath path) {
        return new RetrievedChunk(chunk.documentId(), chunk.filename(), chunk.id(), chunk.text(), score,
                keywordRank, denseRank, graphRank, path, chunk.headingPath(), chunk.metadata());
    }

    private static String requireQuery(String query) {
        if (query == null || query.isBlank()) {
            throw new BadRequestException("'query' must not be empty");
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new BadRequestException("'query' must be at most " + MAX_QUERY_CHARS + " characters");
        }
        return query.strip();
    }

    private static int requireK(Integer k) {
        if (k == null) {
            return 5;
        }
        if (k < 1 || k > MAX_K) {
            throw new BadRequestException("'k' must be between 1 and " + MAX_K + ", was " + k);
        }
        return k;
    }
}
