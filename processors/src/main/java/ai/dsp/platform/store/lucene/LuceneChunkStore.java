package ai.dsp.platform.store.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import ai.dsp.platform.lucene.LuceneIndex;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EnglishTerms;
import ai.dsp.platform.store.TermStatistics;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreArguments;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
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

/**
 * The embedded {@link ChunkStore}: one Lucene index per collection under {@code root/<collection>/},
 * BM25 over English-analysed text and HNSW kNN (cosine) with filters applied inside both queries.
 * Indexes are opened on first use and found again on disk after a restart. Thread-safe.
 */
public final class LuceneChunkStore implements ChunkStore {

    private final Path root;
    private final int dimensions;
    private final Duration commitInterval;
    // Stemming and stop words give noticeably better BM25 on English prose than StandardAnalyzer.
    private final EnglishTerms english = new EnglishTerms();
    private final Analyzer analyzer = english.analyzer();
    private final ChunkDocuments chunkDocuments = new ChunkDocuments();
    private final Map<String, LuceneIndex> indexes = new ConcurrentHashMap<>();
    // Guards opening indexes against close(), so no index is opened after close has run.
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    /**
     * @param root       directory holding one sub-directory per collection; created if absent
     * @param dimensions length every chunk and query vector must have
     * @param commitInterval least time between two commits of an index (see {@link LuceneIndex})
     */
    public LuceneChunkStore(Path root, int dimensions, Duration commitInterval) {
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
        this.root = Objects.requireNonNull(root, "root");
        this.dimensions = dimensions;
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
        StoreArguments.requireValidChunks(documentId, chunks, dimensions);
        List<Document> docs = chunks.stream().map(chunkDocuments::toDocument).toList();
        // One updateDocuments call deletes the old chunks and adds the new ones as a single block,
        // which near-real-time readers see entirely or not at all.
        requireIndex(collection).write(writer -> writer.updateDocuments(documentKey(documentId), docs));
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        Objects.requireNonNull(documentId, "documentId");
        existingIndex(collection).ifPresent(index -> index.write(writer -> writer.deleteDocuments(documentKey(documentId))));
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
        StoreArguments.requireDimensions(Objects.requireNonNull(request.vector(), "vector"), dimensions, "query vector");
        // The filter goes into the kNN query so HNSW only collects matching chunks: k stays k.
        Query filter = FilterQueries.allOf(request.filters()).orElse(null);
        Query knn = new KnnFloatVectorQuery(ChunkDocuments.VECTOR, request.vector(), request.k(), filter);
        return search(request.collection(), knn, request.k(), request.keysOnly());
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
                    .filter(LuceneIndex::existsAt)
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list collections under " + root, e);
        }
    }

    @Override
    public boolean healthy() {
        return !closed && Files.isWritable(root) && indexes.values().stream().allMatch(LuceneIndex::healthy);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
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

    private List<ScoredChunk> search(String collection, Query query, int k, boolean keysOnly) {
        return existingIndex(collection)
                .map(index -> index.read(searcher -> toScoredChunks(searcher, searcher.search(query, k).scoreDocs, keysOnly)))
                .orElse(List.of());
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

    private LuceneIndex requireIndex(String collection) {
        return index(collection, true).orElseThrow();
    }

    private Optional<LuceneIndex> existingIndex(String collection) {
        return index(collection, false);
    }

    private Optional<LuceneIndex> index(String collection, boolean create) {
        StoreArguments.requireValidCollection(collection);
        ensureOpen();
        LuceneIndex open = indexes.get(collection);
        if (open != null) {
            return Optional.of(open);
        }
        synchronized (lifecycle) {
            ensureOpen();
            Path dir = root.resolve(collection);
            if (!create && !LuceneIndex.existsAt(dir)) {
                return Optional.empty();
            }
            return Optional.of(indexes.computeIfAbsent(collection, name -> LuceneIndex.open(dir, analyzer, commitInterval)));
        }
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
