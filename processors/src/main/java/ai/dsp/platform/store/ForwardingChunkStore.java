package ai.dsp.platform.store;

import java.util.Collection;
import java.util.List;

/** A chunk store that hands every call to another one: the base of decorators, which override what they add to. */
public abstract class ForwardingChunkStore implements ChunkStore {

    protected final ChunkStore store;

    protected ForwardingChunkStore(ChunkStore store) {
        this.store = store;
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<Chunk> chunks) {
        store.replaceDocument(collection, documentId, chunks);
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        store.deleteDocument(collection, documentId);
    }

    @Override
    public List<ScoredChunk> searchKeyword(SearchRequest request) {
        return store.searchKeyword(request);
    }

    @Override
    public TermStatistics termStatistics(String collection, List<Chunk> chunks) {
        return store.termStatistics(collection, chunks);
    }

    @Override
    public EmbeddingSpace vectorSpace(String collection) {
        return store.vectorSpace(collection);
    }

    @Override
    public List<ScoredChunk> searchVector(SearchRequest request) {
        return store.searchVector(request);
    }

    @Override
    public List<Chunk> findChunks(String collection, Collection<String> chunkIds, List<MetadataFilter> filters) {
        return store.findChunks(collection, chunkIds, filters);
    }

    @Override
    public long countChunks(String collection) {
        return store.countChunks(collection);
    }

    @Override
    public List<String> collections() {
        return store.collections();
    }

    @Override
    public boolean healthy() {
        return store.healthy();
    }

    @Override
    public void close() {
        store.close();
    }
}
