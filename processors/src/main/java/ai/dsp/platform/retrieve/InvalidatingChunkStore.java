package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.ForwardingChunkStore;

import java.util.List;

/**
 * A chunk store whose every write also invalidates the collection's cached query results before
 * it returns, so a document that is {@code indexed} (or deleted) is never answered from a result
 * cached before it. The events invalidate too, but they travel asynchronously.
 */
public final class InvalidatingChunkStore extends ForwardingChunkStore {

    private final QueryCache cache;

    public InvalidatingChunkStore(ChunkStore store, QueryCache cache) {
        super(store);
        this.cache = cache;
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<Chunk> chunks) {
        try {
            store.replaceDocument(collection, documentId, chunks);
        } finally {
            // a failed write may have changed the index too (partial chunks removed)
            cache.invalidate(collection);
        }
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        try {
            store.deleteDocument(collection, documentId);
        } finally {
            cache.invalidate(collection);
        }
    }
}
