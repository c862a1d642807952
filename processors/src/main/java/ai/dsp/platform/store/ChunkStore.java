package ai.dsp.platform.store;

import java.util.List;

/**
 * The vector + keyword index. Embedded Lucene by default, Elasticsearch in production; both
 * pass the same contract tests. Search results carry their chunks without vectors: nothing
 * downstream of a search needs them, and fetching them is a search's largest cost.
 */
public interface ChunkStore extends AutoCloseable {

    /**
     * Replaces every chunk of the document with {@code chunks} as one visible step: a concurrent
     * search sees either all old chunks or all new ones, never a mix.
     */
    void replaceDocument(String collection, String documentId, List<Chunk> chunks);

    /** Removes every chunk of the document; a no-op for an unknown document. */
    void deleteDocument(String collection, String documentId);

    /** BM25 over chunk text. */
    List<ScoredChunk> searchKeyword(SearchRequest request);

    /** Approximate nearest neighbours of {@code request.vector()} (HNSW). */
    List<ScoredChunk> searchVector(SearchRequest request);

    long countChunks(String collection);

    /** Is the store able to serve reads and writes now. */
    boolean healthy();

    @Override
    void close();
}
