package ai.dsp.platform.metrics;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.ChunksRejectedException;
import ai.dsp.platform.store.ForwardingChunkStore;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreUnavailableException;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** A chunk store whose writes and searches are timed and whose failures are counted, by store and operation. */
public final class MeteredChunkStore extends ForwardingChunkStore {

    private final PlatformMetrics metrics;
    private final String name;

    /** {@code name}: the store's kind as a label ({@code lucene}, {@code elasticsearch}). */
    public MeteredChunkStore(ChunkStore store, PlatformMetrics metrics, String name) {
        super(store);
        this.metrics = metrics;
        this.name = name;
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<Chunk> chunks) {
        measured("replace", () -> {
            store.replaceDocument(collection, documentId, chunks);
            return null;
        });
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        measured("delete", () -> {
            store.deleteDocument(collection, documentId);
            return null;
        });
    }

    @Override
    public List<ScoredChunk> searchKeyword(SearchRequest request) {
        return measured("search_keyword", () -> store.searchKeyword(request));
    }

    @Override
    public List<ScoredChunk> searchVector(SearchRequest request) {
        return measured("search_vector", () -> store.searchVector(request));
    }

    @Override
    public List<Chunk> findChunks(String collection, Collection<String> chunkIds, List<MetadataFilter> filters) {
        return measured("find_chunks", () -> store.findChunks(collection, chunkIds, filters));
    }

    /** Also sets {@code dsp_store_up}: every health check (the probe's, /health's) is a reading. */
    @Override
    public boolean healthy() {
        boolean healthy = store.healthy();
        metrics.storeUp(name, healthy);
        return healthy;
    }

    private <T> T measured(String operation, Supplier<T> call) {
        long started = System.nanoTime();
        try {
            T result = call.get();
            metrics.storeOperation(name, operation, System.nanoTime() - started);
            return result;
        } catch (StoreUnavailableException e) {
            metrics.storeError(name, operation, "unavailable");
            throw e;
        } catch (ChunksRejectedException e) {
            metrics.storeError(name, operation, "rejected");
            throw e;
        } catch (RuntimeException e) {
            metrics.storeError(name, operation, "other");
            throw e;
        }
    }
}
