package ai.dsp.platform.graph;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.store.MetadataFilter;

import java.util.List;
import java.util.Optional;

/**
 * The knowledge graph as the pipeline and the retriever use it: the ingestion step that writes a
 * document's entities and relations (for collections that have the graph on), the removal that
 * follows the chunk store's, and the traversal behind the {@code graph} retrieval modes.
 */
public final class KnowledgeGraph implements AutoCloseable {

    /** No graph store configured: nothing is written, graph retrieval is refused. */
    public static final KnowledgeGraph OFF = new KnowledgeGraph(null, null, collection -> Optional.empty(), null);

    private final GraphStore store;
    private final EntityExtractor extractor;
    private final GraphCollections collections;
    private final PlatformMetrics metrics;

    public KnowledgeGraph(GraphStore store, EntityExtractor extractor, GraphCollections collections, PlatformMetrics metrics) {
        this.store = store;
        this.extractor = extractor;
        this.collections = collections;
        this.metrics = metrics;
    }

    public boolean enabledFor(String collection) {
        return store != null && collections.of(collection).isPresent();
    }

    /** The pipeline step: the document's chunks as entities and relations, replacing what it had in the graph. */
    public IngestJob index(IngestJob job) {
        if (!enabledFor(job.collection())) {
            return job;
        }
        long started = System.nanoTime();
        EntityExtractor reader = extractorOf(job.collection());
        List<GraphChunk> chunks = job.chunks().stream()
                .map(chunk -> new GraphChunk(chunk.id(), chunk.ordinal(), reader.extract(chunk.text())))
                .toList();
        store.replaceDocument(job.collection(), job.id(), chunks,
                MetadataFilter.Access.values(job.metadata().get(MetadataFilter.Access.ALLOWED_USERS)),
                MetadataFilter.Access.values(job.metadata().get(MetadataFilter.Access.ALLOWED_GROUPS)));
        metrics.stage(PlatformMetrics.Stage.GRAPH, System.nanoTime() - started);
        return job;
    }

    /**
     * The document's part of the graph goes with its chunks (deleted, or moved to another
     * collection). Only for collections with the graph on: a delete elsewhere must not wait for
     * Neo4j (what a collection whose graph was turned off left behind is never traversed).
     */
    public void delete(String collection, String documentId) {
        if (enabledFor(collection)) {
            store.deleteDocument(collection, documentId);
        }
    }

    /**
     * The chunks the question's entities reach in the collection's graph, best first, as
     * {@code access} sees them. {@code maxHops}: a request's narrower bound, at most the
     * collection's (null: the collection's).
     */
    public List<GraphHit> search(String collection, String question, int limit, MetadataFilter.Access access, Integer maxHops) {
        GraphCollections.Settings settings = (store == null ? Optional.<GraphCollections.Settings>empty() : collections.of(collection))
                .orElseThrow(() -> new BadRequestException("collection " + collection + " has no knowledge graph: the graph modes"
                        + " need a rag_config module whose vector_store.type is neo4j_knowledge_graph (or dsp.graph.collections)"));
        if (maxHops != null && (maxHops < 1 || maxHops > settings.maxHops())) {
            // the collection's max_hops is the operator's bound on a traversal's cost: a caller may only narrow it
            throw new BadRequestException("'max_hops' must be between 1 and the collection's max_hops (" + settings.maxHops()
                    + "), was " + maxHops);
        }
        EntityExtractor reader = settings.extractor() != null ? settings.extractor() : extractor;
        return store.traverse(collection, reader.extract(question).entities(), maxHops != null ? maxHops : settings.maxHops(), limit, access);
    }

    /** The collection's own extractor (an LLM a module names), else the platform's. */
    private EntityExtractor extractorOf(String collection) {
        return collections.of(collection).map(GraphCollections.Settings::extractor).orElse(extractor);
    }

    /** For health reports: true when there is no graph to be down. */
    public boolean healthy() {
        return store == null || store.healthy();
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
