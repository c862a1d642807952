package ai.dsp.platform.store;

import java.util.Collection;
import java.util.List;

/**
 * The vector + keyword index. Embedded Lucene by default, Elasticsearch in production; both
 * pass the same contract tests. Search results carry their chunks without vectors: nothing
 * downstream of a search needs them, and fetching them is a search's largest cost.
 */
public interface ChunkStore extends AutoCloseable {

    /**
     * Replaces every chunk of the document with {@code chunks}: when this returns, searches see
     * the new chunks and none of the old ones. Lucene makes it one visible step; Elasticsearch
     * may show a concurrent search a mix for up to one refresh interval.
     *
     * @throws StoreUnavailableException when the store is down or overloaded (retry later)
     * @throws ChunksRejectedException when the store refuses the chunks (the document fails)
     */
    void replaceDocument(String collection, String documentId, List<Chunk> chunks);

    /** Removes every chunk of the document; a no-op for an unknown document. */
    void deleteDocument(String collection, String documentId);

    /** BM25 over chunk text, or over the weighted terms of an expanded query ({@link SearchRequest#terms()}). */
    List<ScoredChunk> searchKeyword(SearchRequest request);

    /**
     * The analysed terms of {@code chunks} (found in this collection) as BM25 sees them, with the
     * collection's document frequencies: what pseudo-relevance feedback (RM3) weighs.
     */
    TermStatistics termStatistics(String collection, List<Chunk> chunks);

    /**
     * The model a vector search of the collection reads now, which the query vector must be
     * embedded with: the collection's model, but while its index is rebuilt for a new one, the
     * old model, whose index is complete until the swap. Finding the collection's index in
     * another model than it wants starts that rebuild.
     */
    EmbeddingSpace vectorSpace(String collection);

    /**
     * Approximate nearest neighbours of {@code request.vector()} (HNSW), in the index of
     * {@code request.space()} when given.
     *
     * @throws StoreUnavailableException when no index of the collection is in that space any more
     *                                   (it was swapped out meanwhile: embed again and retry)
     */
    List<ScoredChunk> searchVector(SearchRequest request);

    /**
     * The chunks of {@code chunkIds} that pass {@code filters} (the caller's access list among
     * them), in no particular order: the knowledge graph names chunks by id, the store holds
     * their text and applies the filters as a search would.
     */
    List<Chunk> findChunks(String collection, Collection<String> chunkIds, List<MetadataFilter> filters);

    long countChunks(String collection);

    /** Collections that have an index in the store, sorted. */
    List<String> collections();

    /** Is the store able to serve reads and writes now. */
    boolean healthy();

    @Override
    void close();
}
