package ai.dsp.platform.store.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.dsp.platform.lucene.LuceneIndex;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.EmbeddingSpaces;
import ai.dsp.platform.store.EnglishTerms;
import ai.dsp.platform.store.TermStatistics;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreArguments;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.QueryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link ChunkStore}: one Lucene index per collection and embedding model under
 * {@code root/<collection>/} ({@link CollectionIndexes}), BM25 over English-analysed text and HNSW
 * kNN (cosine) with filters applied inside both queries. Indexes are opened on first use and
 * found again on disk after a restart.
 * <p>
 * A collection whose live index holds another model's vectors than {@link EmbeddingSpaces} asks
 * for, found by a write or a vector search, is rebuilt blue-green in the background as on
 * Elasticsearch: every document is re-embedded into a new index while the old one stays live;
 * writes meanwhile go to the new index (and leave the old), searches read the old index (a
 * query embedded in the old model, {@link #vectorSpace}); then one atomic rename makes the new
 * index live. Thread-safe.
 */
public final class LuceneChunkStore implements ChunkStore {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneChunkStore.class);
    /** Documents re-embedded per step of a rebuild. */
    private static final int REBUILD_PAGE = 64;

    private final Path root;
    private final EmbeddingSpaces spaces;
    private final Duration commitInterval;
    // Stemming and stop words give noticeably better BM25 on English prose than StandardAnalyzer.
    private final EnglishTerms english = new EnglishTerms();
    private final Analyzer analyzer = english.analyzer();
    private final ChunkDocuments chunkDocuments = new ChunkDocuments();
    private final Map<String, CollectionIndexes> indexes = new ConcurrentHashMap<>();
    private final ExecutorService rebuilds = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lucene-index-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    // Guards opening indexes against close(), so no index is opened after close has run.
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    /**
     * @param root           directory holding one sub-directory per collection; created if absent
     * @param spaces         each collection's embedding model, and the means to re-embed its texts
     * @param commitInterval least time between two commits of an index (see {@link LuceneIndex})
     */
    public LuceneChunkStore(Path root, EmbeddingSpaces spaces, Duration commitInterval) {
        this.root = Objects.requireNonNull(root, "root");
        this.spaces = Objects.requireNonNull(spaces, "spaces");
        this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create chunk store root " + root, e);
        }
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            deleteDocument(collection, documentId);
            return;
        }
        StoreArguments.requireValidCollection(collection);
        StoreArguments.requireValidChunks(documentId, chunks, spaces.of(collection).dimensions());
        CollectionIndexes index = inWantedSpace(requireIndex(collection));
        StoreArguments.requireValidChunks(documentId, chunks, index.writeSpace().dimensions());
        List<Document> docs = chunks.stream().map(chunkDocuments::toDocument).toList();
        // One updateDocuments call deletes the old chunks and adds the new ones as a single block,
        // which near-real-time readers see entirely or not at all.
        index.write(documentId, writer -> writer.updateDocuments(documentKey(documentId), docs),
                writer -> writer.deleteDocuments(documentKey(documentId)));
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        Objects.requireNonNull(documentId, "documentId");
        existingIndex(collection).ifPresent(index -> index.write(documentId, writer -> writer.deleteDocuments(documentKey(documentId)),
                writer -> writer.deleteDocuments(documentKey(documentId))));
    }

    @Override
    public List<ScoredChunk> searchKeyword(SearchRequest request) {
        StoreArguments.requirePositiveK(request);
        Query text = request.terms() != null ? weighted(request.terms()) : analysed(request.text());
        if (text == null) {
            return List.of();
        }
        return search(request.collection(), filtered(text, request.filters()), request.k(), request.keysOnly());
    }

    /** Analysing the text into terms, rather than parsing it, means no user input is Lucene syntax. */
    private Query analysed(String text) {
        return text == null ? null : new QueryBuilder(analyzer).createBooleanQuery(ChunkDocuments.TEXT, text);
    }

    private static Query weighted(Map<String, Double> terms) {
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        terms.forEach((term, weight) -> query.add(
                new BoostQuery(new TermQuery(new Term(ChunkDocuments.TEXT, term)), weight.floatValue()), Occur.SHOULD));
        return query.build();
    }

    /** The chunks' terms as the index analysed them (same analyzer), and their document frequencies from its reader. */
    @Override
    public TermStatistics termStatistics(String collection, List<Chunk> chunks) {
        List<Map<String, Integer>> chunkTerms = chunks.stream().map(chunk -> TermStatistics.counts(english.terms(chunk.text()))).toList();
        return existingIndex(collection).map(index -> index.read(searcher -> {
            IndexReader reader = searcher.getIndexReader();
            Map<String, Long> frequencies = new HashMap<>();
            for (Map<String, Integer> terms : chunkTerms) {
                for (String term : terms.keySet()) {
                    if (!frequencies.containsKey(term)) {
                        frequencies.put(term, (long) reader.docFreq(new Term(ChunkDocuments.TEXT, term)));
                    }
                }
            }
            return new TermStatistics(chunkTerms, frequencies, reader.numDocs());
        })).orElse(new TermStatistics(chunkTerms, Map.of(), 0));
    }


    @Override
    public List<ScoredChunk> searchVector(SearchRequest request) {
        StoreArguments.requirePositiveK(request);
        Objects.requireNonNull(request.vector(), "vector");
        // The filter goes into the kNN query so HNSW only collects matching chunks: k stays k.
        Query filter = FilterQueries.allOf(request.filters()).orElse(null);
        Query knn = new KnnFloatVectorQuery(ChunkDocuments.VECTOR, request.vector(), request.k(), filter);
        return existingIndex(request.collection()).map(this::inWantedSpace).map(index -> index.readVectors(request.space(), slot -> {
            StoreArguments.requireDimensions(request.vector(), slot.space().dimensions(), "query vector");
            return slot.index().read(searcher -> search(searcher, knn, request.k(), request.keysOnly()));
        })).orElseGet(() -> {
            StoreArguments.requireDimensions(request.vector(), spaces.of(request.collection()).dimensions(), "query vector");
            return List.of();
        });
    }

    /** The live index's model (complete until a rebuild swaps), or for a collection without an index the one it wants. */
    @Override
    public EmbeddingSpace vectorSpace(String collection) {
        return existingIndex(collection).map(this::inWantedSpace).map(CollectionIndexes::liveSpace)
                .orElseGet(() -> spaces.of(collection));
    }

    @Override
    public List<Chunk> findChunks(String collection, Collection<String> chunkIds, List<MetadataFilter> filters) {
        if (chunkIds.isEmpty()) {
            return List.of();
        }
        Query ids = new TermInSetQuery(ChunkDocuments.ID, chunkIds.stream().map(BytesRef::new).toList());
        return search(collection, filtered(ids, filters), chunkIds.size(), false).stream().map(ScoredChunk::chunk).toList();
    }

    @Override
    public long countChunks(String collection) {
        return existingIndex(collection)
                .map(index -> index.read(searcher -> (long) searcher.getIndexReader().numDocs()))
                .orElse(0L);
    }

    @Override
    public List<String> collections() {
        try (Stream<Path> children = Files.list(root)) {
            return children
                    .filter(dir -> StoreArguments.isValidCollection(dir.getFileName().toString()))
                    .filter(CollectionIndexes::existsAt)
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list collections under " + root, e);
        }
    }

    @Override
    public boolean healthy() {
        return !closed && Files.isWritable(root) && indexes.values().stream().allMatch(CollectionIndexes::healthy);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        rebuilds.shutdownNow();
        try {
            rebuilds.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<RuntimeException> failures = new ArrayList<>();
        indexes.values().forEach(index -> {
            try {
                index.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        });
        english.close();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Is a rebuild of the collection for another model running. */
    public boolean isRebuilding(String collection) {
        return existingIndex(collection).map(CollectionIndexes::isBuilding).orElse(false);
    }

    private List<ScoredChunk> search(String collection, Query query, int k, boolean keysOnly) {
        return existingIndex(collection)
                .map(index -> index.read(searcher -> search(searcher, query, k, keysOnly)))
                .orElse(List.of());
    }

    private List<ScoredChunk> search(IndexSearcher searcher, Query query, int k, boolean keysOnly) throws IOException {
        return toScoredChunks(searcher, searcher.search(query, k).scoreDocs, keysOnly);
    }

    private List<ScoredChunk> toScoredChunks(IndexSearcher searcher, ScoreDoc[] hits, boolean keysOnly) throws IOException {
        // One StoredFields for all hits, so its decompressed block is reused between them.
        StoredFields storedFields = searcher.storedFields();
        List<ScoredChunk> chunks = new ArrayList<>(hits.length);
        for (ScoreDoc hit : hits) {
            Chunk chunk = keysOnly ? chunkDocuments.readKey(storedFields, hit.doc) : chunkDocuments.read(storedFields, hit.doc);
            chunks.add(new ScoredChunk(chunk, hit.score));
        }
        return chunks;
    }

    private static Query filtered(Query query, List<MetadataFilter> filters) {
        return FilterQueries.allOf(filters)
                .<Query>map(filter -> new BooleanQuery.Builder()
                        .add(query, Occur.MUST)
                        .add(filter, Occur.FILTER)
                        .build())
                .orElse(query);
    }

    private CollectionIndexes requireIndex(String collection) {
        return index(collection, true).orElseThrow();
    }

    private Optional<CollectionIndexes> existingIndex(String collection) {
        return index(collection, false);
    }

    private Optional<CollectionIndexes> index(String collection, boolean create) {
        StoreArguments.requireValidCollection(collection);
        ensureOpen();
        CollectionIndexes open = indexes.get(collection);
        if (open != null) {
            return Optional.of(open);
        }
        synchronized (lifecycle) {
            ensureOpen();
            Path dir = root.resolve(collection);
            if (!create && !CollectionIndexes.existsAt(dir)) {
                return Optional.empty();
            }
            return Optional.of(indexes.computeIfAbsent(collection, name ->
                    CollectionIndexes.open(dir, spaces.of(name), spaces.unrecorded(), analyzer, commitInterval)));
        }
    }

    /** The collection's indexes, with a rebuild started when its live index holds another model's vectors. */
    private CollectionIndexes inWantedSpace(CollectionIndexes index) {
        String collection = index.collection();
        EmbeddingSpace wanted = spaces.of(collection);
        if (!index.liveSpace().equals(wanted) && !index.isBuilding() && index.startBuild(wanted)) {
            LOG.info("collection '{}' holds vectors of {}, not {}: rebuilding it", collection, index.liveSpace().slug(), wanted.slug());
            rebuilds.execute(() -> rebuild(collection, index, wanted));
        }
        return index;
    }

    /**
     * Re-embeds every document of the live index into the building one, page by page from one
     * point-in-time list of document ids, then swaps. A failure leaves the old index live and the
     * rebuild starts again with the collection's next write or vector search.
     */
    private void rebuild(String collection, CollectionIndexes index, EmbeddingSpace space) {
        long started = System.nanoTime();
        try {
            List<String> documents = index.read(LuceneChunkStore::documentIds);
            long copied = 0;
            for (int from = 0; from < documents.size(); from += REBUILD_PAGE) {
                if (closed) {
                    index.abandonBuild();
                    return;
                }
                List<String> page = documents.subList(from, Math.min(documents.size(), from + REBUILD_PAGE)).stream()
                        .filter(id -> !index.changedSinceBuildBegan(id)).toList();
                copied += copyPage(index, space, page);
            }
            index.swap();
            LOG.info("collection '{}' rebuilt for {}: {} documents re-embedded in {} ms", collection, space.slug(), copied,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.error("rebuild of collection '{}' for {} failed; it starts again when the collection is next written or searched",
                    collection, space.slug(), e);
            index.abandonBuild();
        }
    }

    /** Reads the page's chunks from the live index, embeds them in {@code space} and writes them to the new one. */
    private int copyPage(CollectionIndexes index, EmbeddingSpace space, List<String> documentIds) {
        if (documentIds.isEmpty()) {
            return 0;
        }
        Query ofPage = new TermInSetQuery(ChunkDocuments.DOCUMENT_ID, documentIds.stream().map(BytesRef::new).toList());
        List<Chunk> chunks = index.read(searcher -> search(searcher, ofPage, Math.max(1, searcher.count(ofPage)), false)).stream().map(ScoredChunk::chunk).toList();
        List<float[]> vectors = spaces.embed(space, chunks.stream().map(Chunk::text).toList());
        Map<String, List<Document>> byDocument = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i).withVector(vectors.get(i));
            byDocument.computeIfAbsent(chunk.documentId(), id -> new ArrayList<>()).add(chunkDocuments.toDocument(chunk));
        }
        return index.copy(byDocument);
    }

    private static List<String> documentIds(IndexSearcher searcher) throws IOException {
        List<String> ids = new ArrayList<>();
        Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), ChunkDocuments.DOCUMENT_ID);
        if (terms == null) {
            return ids;
        }
        TermsEnum each = terms.iterator();
        for (BytesRef term = each.next(); term != null; term = each.next()) {
            ids.add(term.utf8ToString());
        }
        return ids;
    }

    private static Term documentKey(String documentId) {
        return new Term(ChunkDocuments.DOCUMENT_ID, documentId);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Chunk store is closed");
        }
    }
}
