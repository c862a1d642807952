package ai.dsp.platform.graph;

import ai.dsp.platform.store.MetadataFilter;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The knowledge graph's traversal in one read transaction: the question's entities (by key, else
 * by name embedding) -> hop by hop the strongest relations the caller may see, within the
 * fan-out, reach and time bounds -> the chunks that mention reached entities, scored by the
 * weights of the paths that reached them. An entity weighs by how specific it is (as a term
 * weighs by its inverse document frequency): one that few chunks mention points somewhere, one
 * that more than {@code dsp.graph.max-entity-chunks} mention ("system", "paper") is a hub that
 * the traversal neither expands nor scores through, since it would only lead to arbitrary chunks
 * and cost the most rows.
 */
final class Neo4jTraversal {

    private static final double EXACT_MATCH = 1.0;

    private static final String ACL = "(NOT $aclOn OR (size(%1$s.allowed_users) = 0 AND size(%1$s.allowed_groups) = 0 AND $unrestricted)"
            + " OR $subject IN %1$s.allowed_users OR any(g IN %1$s.allowed_groups WHERE g IN $groups))";

    /** One hop: the strongest relations of each frontier entity the caller may see, to entities that are no hubs. */
    private static final String EXPAND = """
                UNWIND $frontier AS from
                MATCH (e:Entity {uid: from})-[r:RELATED_TO|SIMILAR_TO]-(n:Entity)
                WHERE type(r) = 'SIMILAR_TO' OR %s
                WITH e, r, n, COUNT { (n)<-[:MENTIONS]-() } AS chunks
                WHERE chunks <= $maxEntityChunks
                WITH e, r, n, chunks, coalesce(r.weight, r.score) AS weight ORDER BY weight DESC
                WITH e, collect({uid: n.uid, name: n.name, weight: weight, outgoing: startNode(r) = e, chunks: chunks,
                                 relation: CASE type(r) WHEN 'SIMILAR_TO' THEN 'similar_to' ELSE r.type END})[0..$fanOut] AS next
                UNWIND next AS x
                RETURN e.uid AS from, x.uid AS uid, x.name AS name, x.weight AS weight, x.outgoing AS outgoing, x.relation AS relation,
                       x.chunks AS chunks
                """.formatted(ACL.formatted("r"));
    /** The chunks the caller may see that mention reached entities. */
    private static final String SCORE = """
                UNWIND $reached AS uid
                MATCH (c:Chunk)-[:MENTIONS]->(e:Entity {uid: uid})
                WHERE %s
                RETURN c.id AS chunk, c.documentId AS document, e.uid AS entity
                """.formatted(ACL.formatted("c"));

    private final GraphProperties properties;
    private final Function<List<String>, List<float[]>> embedNames;

    Neo4jTraversal(GraphProperties properties, Function<List<String>, List<float[]>> embedNames) {
        this.properties = properties;
        this.embedNames = embedNames;
    }

    List<GraphHit> run(TransactionContext tx, String collection, List<ExtractedGraph.Entity> questionEntities, int maxHops, int limit,
                       MetadataFilter.Access access) {
        long deadline = System.nanoTime() + properties.timeBudget().toNanos();
        Map<String, Object> acl = aclParameters(access);
        Map<String, Reached> reached = seeds(tx, collection, questionEntities);
        List<Reached> frontier = new ArrayList<>(reached.values());
        // the first hop always runs; the budget bounds the ones after it
        for (int hop = 1; hop <= maxHops && !frontier.isEmpty() && (hop == 1 || System.nanoTime() < deadline)
                && reached.size() < properties.maxReached(); hop++) {
            frontier = expand(tx, frontier, reached, acl);
        }
        return score(tx, reached, acl, limit);
    }

    /** Plans the hop and scoring statements once, with nothing to find. */
    void warmUp(TransactionContext tx) {
        Map<String, Object> parameters = new HashMap<>(aclParameters(null));
        parameters.put("frontier", List.of());
        parameters.put("fanOut", properties.maxFanOut());
        parameters.put("maxEntityChunks", properties.maxEntityChunks());
        parameters.put("reached", List.of());
        tx.run(EXPAND, parameters).consume();
        tx.run(SCORE, parameters).consume();
    }

    /**
     * An entity a traversal reached: the question's entity it stands for or was reached from
     * ({@code question}, its uid), its weight, and the step that reached it on the strongest path
     * (null for a seed).
     */
    private record Reached(String question, String uid, String name, double weight, Reached parent, String relation, boolean forward) {

        List<GraphHit.Step> path() {
            List<GraphHit.Step> steps = new ArrayList<>();
            for (Reached at = this; at.parent() != null; at = at.parent()) {
                steps.add(0, at.forward() ? new GraphHit.Step(at.parent().name(), at.relation(), at.name())
                        : new GraphHit.Step(at.name(), at.relation(), at.parent().name()));
            }
            return steps;
        }

        Reached entry() {
            Reached at = this;
            while (at.parent() != null) {
                at = at.parent();
            }
            return at;
        }
    }

    /**
     * How much an entity that {@code chunks} chunks mention says: 1 for one chunk, 0.5 for three,
     * 0.15 for a hundred (1 / log2(1 + chunks)).
     */
    static double specificity(long chunks) {
        return 1.0 / (Math.log1p(Math.max(1, chunks)) / Math.log(2));
    }

    /**
     * The collection's entities the question names (no hubs): by key, else by the nearest names
     * above the similarity threshold; each weighs its match times its specificity.
     */
    private Map<String, Reached> seeds(TransactionContext tx, String collection, List<ExtractedGraph.Entity> questionEntities) {
        Map<String, Reached> seeds = new LinkedHashMap<>();
        List<String> uids = questionEntities.stream().map(e -> Neo4jGraphStore.uid(collection, e.key())).toList();
        Set<String> named = new HashSet<>();
        for (Record row : tx.run("UNWIND $uids AS uid MATCH (e:Entity {uid: uid}) RETURN e.uid AS uid, e.name AS name,"
                + " COUNT { (e)<-[:MENTIONS]-() } AS chunks", Map.of("uids", uids)).list()) {
            String uid = row.get("uid").asString();
            named.add(uid);
            long chunks = row.get("chunks").asLong();
            if (chunks <= properties.maxEntityChunks()) {
                seeds.put(uid, new Reached(uid, uid, row.get("name").asString(), EXACT_MATCH * specificity(chunks), null, null, true));
            }
        }
        // a hub the question names is known, only too common to follow: no stand-in for it by similarity
        List<ExtractedGraph.Entity> unmatched = questionEntities.stream().filter(e -> !named.contains(Neo4jGraphStore.uid(collection, e.key()))).toList();
        if (!unmatched.isEmpty()) {
            List<float[]> vectors = embedNames.apply(unmatched.stream().map(ExtractedGraph.Entity::name).toList());
            // one statement for all of them: a question has several entities, each a round trip otherwise
            for (Record row : tx.run("""
                    UNWIND range(0, size($vectors) - 1) AS i
                    CALL db.index.vector.queryNodes($index, $neighbours, $vectors[i]) YIELD node, score
                    WITH i, node, score, COUNT { (node)<-[:MENTIONS]-() } AS chunks
                    WHERE node.collection = $collection AND score >= $threshold AND chunks <= $maxEntityChunks
                    RETURN i, node.uid AS uid, node.name AS name, score, chunks
                    """, Map.of("index", Neo4jGraphStore.VECTOR_INDEX, "neighbours", properties.similarNeighbours() * Neo4jGraphStore.VECTOR_OVERFETCH,
                    "vectors", vectors, "collection", collection, "threshold", properties.similarityThreshold(),
                    "maxEntityChunks", properties.maxEntityChunks())).list()) {
                String uid = row.get("uid").asString();
                double score = row.get("score").asDouble() * specificity(row.get("chunks").asLong());
                if (!seeds.containsKey(uid) || seeds.get(uid).weight() < score) {
                    String question = Neo4jGraphStore.uid(collection, unmatched.get(row.get("i").asInt()).key());
                    seeds.put(uid, new Reached(question, uid, row.get("name").asString(), score, null, null, true));
                }
            }
        }
        return seeds;
    }

    /** One hop: the strongest relations of every frontier entity the caller may see; returns the entities newly reached or strengthened. */
    private List<Reached> expand(TransactionContext tx, List<Reached> frontier, Map<String, Reached> reached, Map<String, Object> acl) {
        Map<String, Object> parameters = new HashMap<>(acl);
        parameters.put("frontier", frontier.stream().map(Reached::uid).toList());
        parameters.put("fanOut", properties.maxFanOut());
        parameters.put("maxEntityChunks", properties.maxEntityChunks());
        Map<String, Reached> byUid = new HashMap<>();
        frontier.forEach(r -> byUid.put(r.uid(), r));
        // parallel relations of one pair (several documents, several verbs) add up to at most 1
        Map<String, double[]> strength = new LinkedHashMap<>();
        Map<String, Record> strongest = new HashMap<>();
        for (Record row : tx.run(EXPAND, parameters).list()) {
            String pair = row.get("from").asString() + "\u0000" + row.get("uid").asString();
            strength.computeIfAbsent(pair, p -> new double[1])[0] += row.get("weight").asDouble();
            strongest.putIfAbsent(pair, row);
        }
        Map<String, Reached> next = new LinkedHashMap<>();
        strength.forEach((pair, sum) -> {
            Record row = strongest.get(pair);
            Reached parent = byUid.get(row.get("from").asString());
            double weight = parent.weight() * properties.hopDecay() * Math.min(1.0, sum[0]) * specificity(row.get("chunks").asLong());
            String uid = row.get("uid").asString();
            Reached known = reached.get(uid);
            if ((known == null || known.weight() < weight) && (known != null || reached.size() < properties.maxReached())) {
                Reached step = new Reached(parent.question(), uid, row.get("name").asString(), weight, parent, row.get("relation").asString(),
                        row.get("outgoing").asBoolean());
                reached.put(uid, step);
                next.put(uid, step);
            }
        });
        return List.copyOf(next.values());
    }

    /**
     * The chunks that mention reached entities. Each of the question's entities gives a chunk the
     * weight of its strongest reached entity there, and a chunk's score sums those: one that
     * mentions two of the question's entities ranks above one that mentions many neighbours of a
     * single one (which would otherwise add up, and favour long chunks).
     */
    private static List<GraphHit> score(TransactionContext tx, Map<String, Reached> reached, Map<String, Object> acl, int limit) {
        Map<String, Object> parameters = new HashMap<>(acl);
        parameters.put("reached", List.copyOf(reached.keySet()));
        Map<String, Map<String, Reached>> evidence = new LinkedHashMap<>();
        Map<String, String> documents = new HashMap<>();
        for (Record row : tx.run(SCORE, parameters).list()) {
            String chunk = row.get("chunk").asString();
            Reached entity = reached.get(row.get("entity").asString());
            evidence.computeIfAbsent(chunk, c -> new HashMap<>()).merge(entity.question(), entity, Neo4jTraversal::stronger);
            documents.put(chunk, row.get("document").asString());
        }
        Map<String, Double> scores = new HashMap<>();
        evidence.forEach((chunk, byQuestion) -> scores.put(chunk, byQuestion.values().stream().mapToDouble(Reached::weight).sum()));
        return evidence.keySet().stream()
                .sorted(Comparator.comparingDouble((String chunk) -> -scores.get(chunk)).thenComparing(chunk -> chunk))
                .limit(limit)
                .map(chunk -> {
                    Reached via = evidence.get(chunk).values().stream().reduce(Neo4jTraversal::stronger).orElseThrow();
                    return new GraphHit(chunk, documents.get(chunk), scores.get(chunk), via.entry().name(), via.path());
                })
                .toList();
    }

    private static Reached stronger(Reached a, Reached b) {
        return a.weight() >= b.weight() ? a : b;
    }

    private static Map<String, Object> aclParameters(MetadataFilter.Access access) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("aclOn", access != null);
        parameters.put("subject", access == null || access.subject() == null ? "" : access.subject());
        parameters.put("groups", access == null ? List.of() : access.groups());
        parameters.put("unrestricted", access == null || access.unrestrictedVisible());
        return parameters;
    }
}
