package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.EmbeddingSpaces;
import co.elastic.clients.elasticsearch.core.MtermvectorsResponse;
import co.elastic.clients.elasticsearch.core.mtermvectors.MultiTermVectorsResult;
import co.elastic.clients.elasticsearch.core.termvectors.TermVector;
import ai.dsp.platform.store.EnglishTerms;
import ai.dsp.platform.store.TermStatistics;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ChunksRejectedException;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreArguments;
import ai.dsp.platform.store.StoreUnavailableException;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The production {@link ChunkStore} on Elasticsearch 8: BM25 over English terms and HNSW
 * kNN (cosine) with the filters inside the knn clause, so k hits stay k hits. Writes and searches
 * go through the camel-elasticsearch component; index administration through the Java client.
 * Each collection's vectors are in its own model ({@link EmbeddingSpaces}); a collection whose
 * index holds another model's vectors, found by a write or a vector search, is rebuilt in the
 * background (see {@link IndexRebuild}); until the alias swaps, searches read the old index (a
 * query embedded in the old model, {@link #vectorSpace}), so models never mix. A model change while a rebuild runs
 * takes effect once it is done (the next write or vector search starts the next). Thread-safe.
 */
public final class ElasticsearchChunkStore implements ChunkStore {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchChunkStore.class);
    private static final int ID_PAGE = 1000;

    private final ElasticsearchClient client;
    private final ElasticsearchRequests requests;
    private final ElasticsearchProperties properties;
    private final EmbeddingSpaces spaces;
    private final ChunkIndexes indexes;
    private final EnglishTerms english = new EnglishTerms();
    private final ChunkSources sources = new ChunkSources(english);
    private final IndexRebuild rebuild;
    /** Per collection, the embedding space its live index is known to hold. */
    private final Map<String, EmbeddingSpace> ready = new ConcurrentHashMap<>();
    /** Collections being rebuilt: the old index still behind the alias, and the new one. */
    private final Map<String, Rebuilding> rebuilding = new ConcurrentHashMap<>();
    /** Per collection being rebuilt: documents written or deleted since, which the copy must skip. */
    private final Map<String, Set<String>> changedDuringRebuild = new ConcurrentHashMap<>();
    private final ExecutorService rebuilds = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "es-index-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param camel     sends bulk and search requests to the camel-elasticsearch component
     * @param component the name that component is registered under
     * @param spaces    each collection's embedding model (and its dimensions), and the means to
     *                  re-embed chunk texts when a collection is rebuilt for another
     */
    public ElasticsearchChunkStore(ElasticsearchClient client, ProducerTemplate camel, String component,
                                   ElasticsearchProperties properties, EmbeddingSpaces spaces) {
        this.client = Objects.requireNonNull(client, "client");
        this.requests = new ElasticsearchRequests(camel, component);
        this.properties = properties;
        this.spaces = spaces;
        this.indexes = new ChunkIndexes(client, properties);
        this.rebuild = new IndexRebuild(client, indexes, sources, spaces);
        indexes.installTemplate();
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            deleteDocument(collection, documentId);
            return;
        }
        StoreArguments.requireValidCollection(collection);
        StoreArguments.requireValidChunks(documentId, chunks, spaces.of(collection).dimensions());
        Target into = writeIndex(collection);
        StoreArguments.requireValidChunks(documentId, chunks, into.space().dimensions());
        String target = into.index();
        markChanged(collection, documentId);
        Set<String> keep = new HashSet<>();
        chunks.forEach(chunk -> keep.add(chunk.id()));
        // Stale ordinals are deleted in the same bulk request, so the one refresh it waits for
        // makes the deletions and the new chunks visible together.
        BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
        chunkIds(target, documentId).stream().filter(id -> !keep.contains(id))
                .forEach(id -> bulk.operations(op -> op.delete(d -> d.index(target).id(id))));
        for (Chunk chunk : chunks) {
            Map<String, Object> source = sources.toSource(chunk);
            bulk.operations(op -> op.index(i -> i.index(target).id(chunk.id()).document(source)));
        }
        writeAll(collection, documentId, target, bulk, chunks);
        Rebuilding running = rebuilding.get(collection);
        if (running != null) {
            // the rebuild must not copy this document's old chunks over the new ones
            deleteChunks(running.from(), documentId);
        }
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        Objects.requireNonNull(documentId, "documentId");
        StoreArguments.requireValidCollection(collection);
        ensureOpen();
        if (indexes.current(collection).isEmpty()) {
            return;
        }
        markChanged(collection, documentId);
        deleteChunks(indexes.current(collection).orElseThrow(), documentId);
        Rebuilding running = rebuilding.get(collection);
        if (running != null) {
            deleteChunks(running.to(), documentId);
        }
    }

    @Override
    public List<ScoredChunk> searchKeyword(SearchRequest request) {
        StoreArguments.requirePositiveK(request);
        StoreArguments.requireValidCollection(request.collection());
        ensureOpen();
        Query match = request.terms() != null ? weighted(request.terms()) : analysed(request.text());
        if (match == null) {
            return List.of();
        }
        List<Query> filters = FilterClauses.allOf(request.filters());
        Query query = filters.isEmpty() ? match : Query.of(q -> q.bool(b -> b.must(match).filter(filters)));
        return search(indexes.alias(request.collection()), request.k(), s -> s.query(query));
    }

    private Query analysed(String text) {
        String terms = english.of(text);
        return terms.isEmpty() ? null : Query.of(q -> q.match(m -> m.field(ChunkSources.TERMS).query(terms)));
    }

    private static Query weighted(Map<String, Double> terms) {
        if (terms.isEmpty()) {
            return null;
        }
        List<Query> clauses = new ArrayList<>(terms.size());
        terms.forEach((term, weight) -> clauses.add(Query.of(q -> q.term(t -> t.field(ChunkSources.TERMS).value(term)
                .boost(weight.floatValue())))));
        return Query.of(q -> q.bool(b -> b.should(clauses)));
    }

    /**
     * The chunks' term vectors with term statistics, one multi-term-vectors call; the index holds
     * one shard, so its document frequencies are the collection's. A chunk the index no longer
     * holds is analysed here and its terms counted as rare.
     */
    @Override
    public TermStatistics termStatistics(String collection, List<Chunk> chunks) {
        StoreArguments.requireValidCollection(collection);
        ensureOpen();
        if (chunks.isEmpty() || indexes.current(collection).isEmpty()) {
            return new TermStatistics(chunks.stream().map(chunk -> TermStatistics.counts(english.terms(chunk.text()))).toList(), Map.of(), 0);
        }
        List<String> ids = chunks.stream().map(Chunk::id).toList();
        MtermvectorsResponse response = ElasticsearchFailures.call(() -> client.mtermvectors(m -> m
                .index(indexes.alias(collection)).ids(ids).fields(ChunkSources.TERMS)
                .termStatistics(true).fieldStatistics(true).positions(false).offsets(false).payloads(false)));
        Map<String, Map<String, Integer>> byId = new HashMap<>();
        Map<String, Long> frequencies = new HashMap<>();
        long documents = 0;
        for (MultiTermVectorsResult doc : response.docs()) {
            TermVector vector = doc.termVectors() == null ? null : doc.termVectors().get(ChunkSources.TERMS);
            if (vector == null) {
                continue;
            }
            if (vector.fieldStatistics() != null) {
                documents = Math.max(documents, vector.fieldStatistics().docCount());
            }
            Map<String, Integer> counts = new HashMap<>();
            vector.terms().forEach((term, stats) -> {
                counts.put(term, stats.termFreq());
                if (stats.docFreq() != null) {
                    frequencies.put(term, stats.docFreq().longValue());
                }
            });
            byId.put(doc.id(), counts);
        }
        List<Map<String, Integer>> chunkTerms = chunks.stream()
                .map(chunk -> byId.getOrDefault(chunk.id(), TermStatistics.counts(english.terms(chunk.text())))).toList();
        return new TermStatistics(chunkTerms, frequencies, documents);
    }


    @Override
    public List<ScoredChunk> searchVector(SearchRequest request) {
        StoreArguments.requirePositiveK(request);
        StoreArguments.requireValidCollection(request.collection());
        ensureOpen();
        float[] vector = Objects.requireNonNull(request.vector(), "vector");
        Target target = vectorIndex(request.collection(), request.space());
        if (target == null) {
            StoreArguments.requireDimensions(vector, spaces.of(request.collection()).dimensions(), "query vector");
            return List.of();
        }
        StoreArguments.requireDimensions(vector, target.space().dimensions(), "query vector");
        List<Float> queryVector = new ArrayList<>(vector.length);
        for (float value : vector) {
            queryVector.add(value);
        }
        List<Query> filters = FilterClauses.allOf(request.filters());
        int candidates = Math.min(10_000, Math.max(100, request.k() * 10));
        return search(target.index(), request.k(), s -> s.knn(knn -> knn
                .field(ChunkSources.VECTOR).queryVector(queryVector).k(request.k()).numCandidates(candidates)
                .filter(filters)));
    }

    @Override
    public List<Chunk> findChunks(String collection, Collection<String> chunkIds, List<MetadataFilter> filters) {
        StoreArguments.requireValidCollection(collection);
        ensureOpen();
        if (chunkIds.isEmpty()) {
            return List.of();
        }
        List<FieldValue> ids = chunkIds.stream().map(FieldValue::of).toList();
        Query byId = Query.of(q -> q.terms(t -> t.field(ChunkSources.ID).terms(v -> v.value(ids))));
        List<Query> clauses = new ArrayList<>(FilterClauses.allOf(filters));
        clauses.add(byId);
        return search(indexes.alias(collection), chunkIds.size(), s -> s.query(q -> q.bool(b -> b.filter(clauses))))
                .stream().map(ScoredChunk::chunk).toList();
    }

    @Override
    public long countChunks(String collection) {
        StoreArguments.requireValidCollection(collection);
        ensureOpen();
        if (indexes.current(collection).isEmpty()) {
            return 0;
        }
        return ElasticsearchFailures.call(() -> client.count(c -> c.index(indexes.alias(collection)))).count();
    }

    @Override
    public List<String> collections() {
        ensureOpen();
        return indexes.collections();
    }

    @Override
    public boolean healthy() {
        if (closed) {
            return false;
        }
        try {
            String status = client.cluster().health(h -> h.timeout(t -> t.time("2s"))).status().jsonValue();
            return !"red".equals(status);
        } catch (Exception e) {
            LOG.debug("Elasticsearch health check failed", e);
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        english.close();
        rebuilds.shutdownNow();
        try {
            rebuilds.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Is a rebuild of the collection for this store's model still running. */
    public boolean isRebuilding(String collection) {
        return rebuilding.containsKey(collection);
    }

    /**
     * The index new chunks go to, and the index vector searches read: the collection's index for
     * its model, created on first use, or the one a running rebuild fills. Finding another
     * model's index behind the alias starts its rebuild.
     */
    private Target writeIndex(String collection) {
        ensureOpen();
        Rebuilding running = rebuilding.get(collection);
        if (running != null) {
            return new Target(running.to(), running.space());
        }
        EmbeddingSpace space = spaces.of(collection);
        String target = indexes.indexName(collection, space);
        if (space.equals(ready.get(collection))) {
            return new Target(target, space);
        }
        synchronized (this) {
            running = rebuilding.get(collection);
            if (running != null) {
                return new Target(running.to(), running.space());
            }
            String current = indexes.current(collection).orElse(null);
            if (current == null) {
                indexes.create(collection, space, true);
            } else if (!current.equals(target)) {
                startRebuild(collection, current, target, space);
                return new Target(target, space);
            }
            ready.put(collection, space);
        }
        return new Target(target, space);
    }

    /** The live index's model (complete until a rebuild swaps), or for a collection without an index the one it wants. */
    @Override
    public EmbeddingSpace vectorSpace(String collection) {
        StoreArguments.requireValidCollection(collection);
        Target live = vectorIndex(collection, null);
        return live != null ? live.space() : spaces.of(collection);
    }

    /**
     * The index a vector search in {@code space} reads (null: the live one, whatever it holds),
     * checking on the way that the live index is in the collection's model (else the rebuild
     * starts); null for a collection without an index, where nothing is created.
     */
    private Target vectorIndex(String collection, EmbeddingSpace space) {
        ensureOpen();
        Rebuilding running = rebuilding.get(collection);
        if (running != null && running.space().equals(ready.get(collection))) {
            running = null;  // swapped already: only the replaced index's removal is left
        }
        if (running == null && !spaces.of(collection).equals(ready.get(collection))) {
            if (indexes.current(collection).isEmpty()) {
                return null;
            }
            writeIndex(collection);
            running = rebuilding.get(collection);
        }
        if (running == null) {
            EmbeddingSpace live = ready.get(collection);
            if (live == null) {
                throw new StoreUnavailableException("collection '" + collection + "' is between models (its rebuild failed and"
                        + " starts again with the next write)");
            }
            if (space == null || space.equals(live)) {
                return new Target(indexes.alias(collection), live);
            }
        } else if (running.fromSpace() != null && (space == null || space.equals(running.fromSpace()))) {
            return new Target(indexes.alias(collection), running.fromSpace());
        } else if (space == null || space.equals(running.space())) {
            // an old index that records no model: its vectors cannot be queried, the new one's can
            return new Target(running.to(), running.space());
        }
        throw new StoreUnavailableException("collection '" + collection + "' holds no index in " + space.slug()
                + " any more (its model changed): embed the query again");
    }

    /** The running rebuild, if any, must not copy this document's old chunks. */
    private void markChanged(String collection, String documentId) {
        Set<String> changed = changedDuringRebuild.get(collection);
        if (changed != null) {
            changed.add(documentId);
        }
    }

    private void startRebuild(String collection, String from, String to, EmbeddingSpace space) {
        if (rebuilding.putIfAbsent(collection, new Rebuilding(from, indexes.spaceOf(from).orElse(null), to, space)) != null) {
            return;
        }
        Set<String> changed = ConcurrentHashMap.newKeySet();
        changedDuringRebuild.put(collection, changed);
        EmbeddingSpace fromSpace = rebuilding.get(collection).fromSpace();
        LOG.info("collection '{}' holds vectors of {}, not {}: rebuilding it into {}", collection,
                fromSpace == null ? "an unknown model" : fromSpace.slug(), space.slug(), to);
        indexes.create(collection, space, false);
        rebuilds.execute(() -> {
            try {
                rebuild.run(collection, from, to, space, changed::contains);
                // right after the swap, so that searches stop embedding for the old model at once
                ready.put(collection, space);
                dropReplaced(collection, from);
            } catch (RuntimeException e) {
                LOG.error("rebuild of collection '{}' failed; it starts again with the next write", collection, e);
            } finally {
                rebuilding.remove(collection);
                changedDuringRebuild.remove(collection);
            }
        });
    }

    private void dropReplaced(String collection, String index) {
        try {
            indexes.delete(index);
        } catch (RuntimeException e) {
            LOG.warn("collection '{}' was rebuilt, but its replaced index {} could not be deleted: delete it by hand", collection, index, e);
        }
    }

    /** An index and the embedding space its vectors are in. */
    private record Target(String index, EmbeddingSpace space) {
    }

    /** A running rebuild: from the index behind the alias (its model, if recorded) into {@code to}, for {@code space}. */
    private record Rebuilding(String from, EmbeddingSpace fromSpace, String to, EmbeddingSpace space) {
    }

    /** Bulk-writes the chunks, retrying items answered 429/5xx; a 400 item fails the document. */
    private void writeAll(String collection, String documentId, String target, BulkRequest.Builder bulk, List<Chunk> chunks) {
        List<BulkResponseItem> items = requests.bulk(bulk);
        for (int attempt = 1; ; attempt++) {
            List<String> retry = new ArrayList<>();
            List<BulkResponseItem> rejected = new ArrayList<>();
            for (BulkResponseItem item : items) {
                if (item.error() == null || item.status() == 409) {
                    continue;
                }
                if (item.status() == 429 || item.status() >= 500) {
                    retry.add(item.id());
                } else {
                    rejected.add(item);
                }
            }
            if (!rejected.isEmpty()) {
                // a half-written document is worse than none: it is failed and its chunks removed
                deleteChunks(target, documentId);
                throw new ChunksRejectedException("Elasticsearch rejected " + rejected.size() + " chunk(s) of document '"
                        + documentId + "': " + rejected.get(0).error().reason());
            }
            if (retry.isEmpty()) {
                return;
            }
            if (attempt > properties.bulkRetries()) {
                throw new StoreUnavailableException("Elasticsearch kept refusing " + retry.size() + " chunk(s) of document '"
                        + documentId + "' in collection '" + collection + "' (429/5xx) after " + attempt + " attempts");
            }
            pause(properties.bulkBackoff().toMillis() << (attempt - 1));
            Set<String> again = new HashSet<>(retry);
            BulkRequest.Builder resend = new BulkRequest.Builder().refresh(Refresh.WaitFor);
            chunks.stream().filter(chunk -> again.contains(chunk.id())).forEach(chunk -> {
                Map<String, Object> source = sources.toSource(chunk);
                resend.operations(op -> op.index(i -> i.index(target).id(chunk.id()).document(source)));
            });
            items = requests.bulk(resend);
        }
    }

    /**
     * Hits come with their chunks' sources, even for a keys-only search ({@link SearchRequest#keysOnly()}):
     * the sources of 50 candidates cost less than a second round trip for the top k.
     */
    private List<ScoredChunk> search(String index, int k,
                                     Function<co.elastic.clients.elasticsearch.core.SearchRequest.Builder,
                                             co.elastic.clients.elasticsearch.core.SearchRequest.Builder> body) {
        co.elastic.clients.elasticsearch.core.SearchRequest.Builder request =
                new co.elastic.clients.elasticsearch.core.SearchRequest.Builder()
                        .index(index).size(k).ignoreUnavailable(true).allowNoIndices(true).trackTotalHits(t -> t.enabled(false))
                        .source(s -> s.filter(f -> f.excludes(ChunkSources.NOT_RETURNED)));
        List<Hit<ObjectNode>> hits = requests.search(body.apply(request)).hits();
        List<ScoredChunk> results = new ArrayList<>(hits.size());
        for (Hit<ObjectNode> hit : hits) {
            results.add(new ScoredChunk(sources.fromSource(hit.source()),
                    hit.score() == null ? 0f : hit.score().floatValue()));
        }
        return results;
    }

    /**
     * Ids of the document's chunks in the index. A search, not delete-by-query: that needs the
     * reindex module, which minimal distributions leave out, and this way deletions can ride in
     * the same bulk request as the new chunks.
     */
    private List<String> chunkIds(String index, String documentId) {
        List<String> ids = new ArrayList<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> cursor = after;
            List<Hit<Void>> hits = ElasticsearchFailures.call(() -> client.search(s -> {
                s.index(index).size(ID_PAGE).query(ofDocument(documentId)).source(c -> c.fetch(false))
                        .ignoreUnavailable(true).allowNoIndices(true)
                        .sort(o -> o.field(f -> f.field(ChunkSources.ID).order(SortOrder.Asc)));
                return cursor == null ? s : s.searchAfter(cursor);
            }, Void.class)).hits().hits();
            hits.forEach(hit -> ids.add(hit.id()));
            if (hits.size() < ID_PAGE) {
                return ids;
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }

    private void deleteChunks(String index, String documentId) {
        List<String> ids = chunkIds(index, documentId);
        if (ids.isEmpty()) {
            return;
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
        ids.forEach(id -> bulk.operations(op -> op.delete(d -> d.index(index).id(id))));
        List<BulkResponseItem> failed = requests.bulk(bulk).stream()
                .filter(item -> item.error() != null && item.status() != 404)
                .toList();
        if (!failed.isEmpty()) {
            throw new StoreUnavailableException("Elasticsearch did not delete " + failed.size() + " chunk(s) of document '"
                    + documentId + "': " + failed.get(0).error().reason());
        }
    }

    private static Query ofDocument(String documentId) {
        return Query.of(q -> q.term(t -> t.field(ChunkSources.DOCUMENT_ID).value(documentId)));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Chunk store is closed");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to retry Elasticsearch");
        }
    }
}
