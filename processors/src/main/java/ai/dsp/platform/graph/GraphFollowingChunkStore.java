package ai.dsp.platform.graph;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.ForwardingChunkStore;

import java.util.List;

/**
 * A chunk store whose removals the knowledge graph follows: a deleted document, or one that moved
 * to another collection, leaves the graph with its chunks, whichever path removed it.
 */
public final class GraphFollowingChunkStore extends ForwardingChunkStore {

    private final KnowledgeGraph graph;

    public GraphFollowingChunkStore(ChunkStore store, KnowledgeGraph graph) {
        super(store);
        this.graph = graph;
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<Chunk> chunks) {
        store.replaceDocument(collection, documentId, chunks);
        if (chunks.isEmpty()) {
            graph.delete(collection, documentId);
        }
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        store.deleteDocument(collection, documentId);
        graph.delete(collection, documentId);
    }
}
