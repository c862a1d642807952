package ai.dsp.platform.graph;

import ai.dsp.platform.store.MetadataFilter;

import java.util.List;

/**
 * The knowledge graph of the collections that have it on: documents, their chunks, the entities
 * the chunks mention and the relations between entities, with the document lifecycle of the
 * chunk store (a re-ingest replaces, a delete removes) and the document's access list on its
 * chunks and relations.
 */
public interface GraphStore extends AutoCloseable {

    /**
     * Replaces everything the document contributed with {@code chunks}: its chunk nodes, their
     * mentions, its relations; entities no chunk mentions any more go too.
     *
     * @param allowedUsers  the document's {@code allowed_users} (empty: no user list)
     * @param allowedGroups the document's {@code allowed_groups}
     * @throws ai.dsp.platform.store.StoreUnavailableException when Neo4j cannot be reached (retry later)
     */
    void replaceDocument(String collection, String documentId, List<GraphChunk> chunks, List<String> allowedUsers, List<String> allowedGroups);

    /** Removes the document's part of the graph; a no-op for an unknown document. */
    void deleteDocument(String collection, String documentId);

    /**
     * The chunks reached from the question's entities within {@code maxHops} relations, best first,
     * seen through {@code access} (null: everything).
     */
    List<GraphHit> traverse(String collection, List<ExtractedGraph.Entity> questionEntities, int maxHops, int limit,
                            MetadataFilter.Access access);

    /** Entities of a collection, for tests and operators. */
    long countEntities(String collection);

    boolean healthy();

    @Override
    void close();
}
