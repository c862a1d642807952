package ai.dsp.platform.graph;

import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.StoreUnavailableException;
import org.neo4j.driver.Driver;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The knowledge graph in Neo4j 5: {@code (:Document)-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(:Entity)},
 * {@code (:Entity)-[:RELATED_TO {type, weight, documentUid}]->(:Entity)} (one per document, so a
 * document takes its relations with it) and {@code (:Entity)-[:SIMILAR_TO {score}]-(:Entity)}
 * between entities whose names' embeddings are close (a vector index). Every node carries its
 * collection in its {@code uid}; chunks and relations carry the document's access lists. Every
 * statement takes its values as parameters. The traversal is {@link Neo4jTraversal}'s.
 */
public final class Neo4jGraphStore implements GraphStore {

    private static final Logger LOG = LoggerFactory.getLogger(Neo4jGraphStore.class);
    static final String VECTOR_INDEX = "dsp_entity_embedding";
    /** Nearest entities asked of the vector index per match: it is global, and only this collection's count. */
    static final int VECTOR_OVERFETCH = 4;

    private final Driver driver;
    private final GraphProperties properties;
    private final Function<List<String>, List<float[]>> embedNames;
    private final SessionConfig session;
    private final int dimensions;
    private final Neo4jTraversal traversal;
    private volatile boolean schemaReady;

    /**
     * @param embedNames embeds entity names (the platform's embedding model), for entity resolution
     * @param dimensions the length of its vectors, for the vector index
     */
    public Neo4jGraphStore(Driver driver, GraphProperties properties, Function<List<String>, List<float[]>> embedNames, int dimensions) {
        this.driver = driver;
        this.properties = properties;
        this.embedNames = embedNames;
        this.session = SessionConfig.forDatabase(properties.database());
        this.dimensions = dimensions;
        this.traversal = new Neo4jTraversal(properties, embedNames);
    }

    /** On first use rather than at start: a platform whose Neo4j is away starts, and its graph waits like its ingestion. */
    private void ensureSchema() {
        if (!schemaReady) {
            synchronized (this) {
                if (!schemaReady) {
                    createSchema();
                    schemaReady = true;
                }
            }
        }
    }

    private void createSchema() {
        List<String> statements = List.of(
                "CREATE CONSTRAINT dsp_document_uid IF NOT EXISTS FOR (d:Document) REQUIRE d.uid IS UNIQUE",
                "CREATE CONSTRAINT dsp_chunk_uid IF NOT EXISTS FOR (c:Chunk) REQUIRE c.uid IS UNIQUE",
                "CREATE CONSTRAINT dsp_entity_uid IF NOT EXISTS FOR (e:Entity) REQUIRE e.uid IS UNIQUE",
                "CREATE INDEX dsp_entity_collection IF NOT EXISTS FOR (e:Entity) ON (e.collection)",
                "CREATE INDEX dsp_relation_document IF NOT EXISTS FOR ()-[r:RELATED_TO]-() ON (r.documentUid)",
                // schema statements take no parameters; the dimension is the model's, an integer
                "CREATE VECTOR INDEX " + VECTOR_INDEX + " IF NOT EXISTS FOR (e:Entity) ON e.embedding OPTIONS {indexConfig: {"
                        + "`vector.dimensions`: " + Math.max(1, dimensions) + ", `vector.similarity_function`: 'cosine'}}");
        available(() -> {
            try (var s = driver.session(session)) {
                statements.forEach(statement -> s.run(statement).consume());
                s.run("CALL db.awaitIndexes(60)").consume();
            }
            // planned once here, so that the first question's traversal does not spend its time budget on planning
            read(tx -> {
                traversal.warmUp(tx);
                return null;
            });
            return null;
        });
    }

    @Override
    public void replaceDocument(String collection, String documentId, List<GraphChunk> chunks, List<String> allowedUsers,
                                List<String> allowedGroups) {
        ensureSchema();
        String doc = uid(collection, documentId);
        Map<String, ExtractedGraph.Entity> entities = new LinkedHashMap<>();
        Map<String, ExtractedGraph.Relation> relations = new LinkedHashMap<>();
        for (GraphChunk chunk : chunks) {
            chunk.graph().entities().forEach(e -> entities.putIfAbsent(e.key(), e));
            chunk.graph().relations().forEach(r -> relations.merge(r.source() + "\u0000" + r.target() + "\u0000" + r.type(), r,
                    (a, b) -> new ExtractedGraph.Relation(a.source(), a.target(), a.type(), a.weight() + b.weight())));
        }
        Map<String, float[]> vectors = vectorsOfNew(collection, entities);
        List<String> created = available(() -> write(tx -> {
            List<String> before = tx.run("MATCH (:Document {uid: $doc})-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(e:Entity) RETURN collect(DISTINCT e.uid) AS uids",
                    Map.of("doc", doc)).single().get("uids").asList(v -> v.asString());
            removeDocument(tx, doc);
            addDocument(tx, collection, documentId, doc, chunks, vectors, List.copyOf(relations.values()), allowedUsers, allowedGroups);
            deleteOrphans(tx, before);
            return vectors.keySet().stream().toList();
        }));
        linkSimilar(created);
    }

    @Override
    public void deleteDocument(String collection, String documentId) {
        ensureSchema();
        String doc = uid(collection, documentId);
        available(() -> write(tx -> {
            List<String> before = tx.run("MATCH (:Document {uid: $doc})-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(e:Entity) RETURN collect(DISTINCT e.uid) AS uids",
                    Map.of("doc", doc)).single().get("uids").asList(v -> v.asString());
            removeDocument(tx, doc);
            deleteOrphans(tx, before);
            return null;
        }));
    }

    /** Embeddings for the entities the collection does not have yet, by uid. */
    private Map<String, float[]> vectorsOfNew(String collection, Map<String, ExtractedGraph.Entity> entities) {
        if (entities.isEmpty()) {
            return Map.of();
        }
        List<String> uids = entities.keySet().stream().map(key -> uid(collection, key)).toList();
        Set<String> known = new HashSet<>(available(() -> read(tx -> tx.run(
                "UNWIND $uids AS uid MATCH (e:Entity {uid: uid}) WHERE e.embedding IS NOT NULL RETURN collect(e.uid) AS uids",
                Map.of("uids", uids)).single().get("uids").asList(v -> v.asString()))));
        List<ExtractedGraph.Entity> fresh = entities.values().stream().filter(e -> !known.contains(uid(collection, e.key()))).toList();
        List<float[]> embedded = fresh.isEmpty() ? List.of() : embedNames.apply(fresh.stream().map(ExtractedGraph.Entity::name).toList());
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (int i = 0; i < fresh.size(); i++) {
            vectors.put(uid(collection, fresh.get(i).key()), embedded.get(i));
        }
        return vectors;
    }

    private static void removeDocument(TransactionContext tx, String doc) {
        tx.run("MATCH ()-[r:RELATED_TO {documentUid: $doc}]->() DELETE r", Map.of("doc", doc)).consume();
        tx.run("MATCH (d:Document {uid: $doc}) OPTIONAL MATCH (d)-[:HAS_CHUNK]->(c:Chunk) DETACH DELETE c, d", Map.of("doc", doc)).consume();
    }

    private static void addDocument(TransactionContext tx, String collection, String documentId, String doc, List<GraphChunk> chunks,
                                    Map<String, float[]> vectors, List<ExtractedGraph.Relation> relations,
                                    List<String> allowedUsers, List<String> allowedGroups) {
        List<Map<String, Object>> chunkRows = new ArrayList<>();
        for (GraphChunk chunk : chunks) {
            List<Map<String, Object>> mentions = new ArrayList<>();
            for (ExtractedGraph.Entity entity : chunk.graph().entities()) {
                String entityUid = uid(collection, entity.key());
                Map<String, Object> row = new HashMap<>();
                row.put("uid", entityUid);
                row.put("key", entity.key());
                row.put("name", entity.name());
                row.put("type", entity.type());
                row.put("mentions", entity.mentions());
                row.put("embedding", vectors.get(entityUid));
                mentions.add(row);
            }
            chunkRows.add(Map.of("uid", uid(collection, chunk.chunkId()), "id", chunk.chunkId(), "index", chunk.index(), "entities", mentions));
        }
        tx.run("""
                MERGE (d:Document {uid: $doc}) SET d.id = $documentId, d.collection = $collection
                WITH d
                UNWIND $chunks AS ch
                CREATE (c:Chunk {uid: ch.uid, id: ch.id, documentId: $documentId, collection: $collection, index: ch.index,
                                 allowed_users: $users, allowed_groups: $groups})
                CREATE (d)-[:HAS_CHUNK]->(c)
                WITH c, ch
                UNWIND ch.entities AS en
                MERGE (e:Entity {uid: en.uid})
                  ON CREATE SET e.key = en.key, e.name = en.name, e.type = en.type, e.collection = $collection, e.embedding = en.embedding
                // writing a shared entity takes its exclusive lock, which every document mentioning it then waits for:
                // only an entity still without an embedding is written
                FOREACH (missing IN CASE WHEN e.embedding IS NULL AND en.embedding IS NOT NULL THEN [1] ELSE [] END |
                  SET e.embedding = en.embedding)
                CREATE (c)-[:MENTIONS {count: en.mentions}]->(e)
                """, Map.of("doc", doc, "documentId", documentId, "collection", collection, "chunks", chunkRows,
                "users", allowedUsers, "groups", allowedGroups)).consume();
        List<Map<String, Object>> relationRows = relations.stream().map(r -> Map.<String, Object>of(
                "source", uid(collection, r.source()), "target", uid(collection, r.target()), "type", r.type(), "weight", r.weight())).toList();
        tx.run("""
                UNWIND $relations AS r
                MATCH (a:Entity {uid: r.source}), (b:Entity {uid: r.target})
                CREATE (a)-[:RELATED_TO {type: r.type, weight: r.weight, documentUid: $doc, allowed_users: $users, allowed_groups: $groups}]->(b)
                """, Map.of("relations", relationRows, "doc", doc, "users", allowedUsers, "groups", allowedGroups)).consume();
    }

    private static void deleteOrphans(TransactionContext tx, List<String> entityUids) {
        tx.run("UNWIND $uids AS uid MATCH (e:Entity {uid: uid}) WHERE NOT (e)<-[:MENTIONS]-() DETACH DELETE e",
                Map.of("uids", entityUids)).consume();
    }

    /** Links each new entity to the collection's entities whose names mean nearly the same (after commit: the index sees committed nodes). */
    private void linkSimilar(List<String> created) {
        if (created.isEmpty()) {
            return;
        }
        available(() -> write(tx -> tx.run("""
                UNWIND $uids AS uid
                MATCH (e:Entity {uid: uid})
                CALL db.index.vector.queryNodes($index, $neighbours, e.embedding) YIELD node, score
                WITH e, node, score
                WHERE node <> e AND node.collection = e.collection AND score >= $threshold
                MERGE (e)-[s:SIMILAR_TO]-(node) SET s.score = score
                """, Map.of("uids", created, "index", VECTOR_INDEX, "neighbours", properties.similarNeighbours() * VECTOR_OVERFETCH,
                "threshold", properties.similarityThreshold())).consume()));
    }

    @Override
    public List<GraphHit> traverse(String collection, List<ExtractedGraph.Entity> questionEntities, int maxHops, int limit,
                                   MetadataFilter.Access access) {
        ensureSchema();
        if (questionEntities.isEmpty()) {
            return List.of();
        }
        return available(() -> read(tx -> traversal.run(tx, collection, questionEntities, maxHops, limit, access)));
    }

    @Override
    public long countEntities(String collection) {
        ensureSchema();
        return available(() -> read(tx -> tx.run("MATCH (e:Entity {collection: $collection}) RETURN count(e) AS n",
                Map.of("collection", collection)).single().get("n").asLong()));
    }

    @Override
    public boolean healthy() {
        try {
            driver.verifyConnectivity();
            return true;
        } catch (RuntimeException e) {
            LOG.debug("Neo4j is not reachable: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        driver.close();
    }

    private <T> T write(Function<TransactionContext, T> work) {
        try (var s = driver.session(session)) {
            return s.executeWrite(work::apply, timeout());
        }
    }

    private <T> T read(Function<TransactionContext, T> work) {
        try (var s = driver.session(session)) {
            return s.executeRead(work::apply, timeout());
        }
    }

    private TransactionConfig timeout() {
        return TransactionConfig.builder().withTimeout(properties.queryTimeout()).build();
    }

    /** Neo4j down, restarting or overloaded is the store being unavailable: ingestion pauses and retries. */
    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (ServiceUnavailableException | SessionExpiredException | TransientException e) {
            throw new StoreUnavailableException("Neo4j is unavailable: " + e.getMessage(), e);
        } catch (ClientException e) {
            if (timedOut(e)) {
                throw new StoreUnavailableException("Neo4j is overloaded: a statement took longer than dsp.graph.query-timeout", e);
            }
            throw e;
        }
    }

    /**
     * A transaction the server ended for taking longer than our timeout: Neo4j busy (just
     * restarted, recovering, short of memory), not a fault of the document; a client error by
     * Bolt's classification only, so the driver does not retry it.
     */
    static boolean timedOut(ClientException e) {
        return e.code() != null && e.code().startsWith("Neo.ClientError.Transaction.TransactionTimedOut");
    }

    static String uid(String collection, String id) {
        return collection + "|" + id;
    }
}
