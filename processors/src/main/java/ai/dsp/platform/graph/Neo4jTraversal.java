package ai.dsp.platform.graph;

import ai.dsp.platform.store.MetadataFilter;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The knowledge graph's traversal in one read transaction: the question's entities (by key, else
 * by name embedding) -> hop by hop the strongest relations the caller may see, within the
 * fan-out, reach and time bounds -> the chunks that mention reached entities, scored by the
 * weights of the paths that reached them.
 */
final class Neo4jTraversal {

    private static final double EXACT_MATCH = 1.0;

    private static final String ACL = "(NOT $aclOn OR (size(%1$s.allowed_users) = 0 AND size(%1$s.allowed_groups) = 0 AND $unrestricted)"
            + " OR $subject IN %1$s.allowed_users OR any(g IN %1$s.allowed_groups WHERE g IN $groups))";

    /** One hop: the strongest relations of each frontier entity the caller may see. */
    private static final String EXPAND = """
                UNWIND $frontier AS from
                MATCH (e:Entity {uid: from})-[r:RELATED_TO|SIMILAR_TO]-(n:Entity)
                WHERE type(r) = 'SIMILAR_TO' OR %s
                WITH e, r, n, coalesce(r.weight, r.score) AS weight ORDER BY weight DESC
                WITH e, collect({uid: n.uid, name: n.name, weight: weight, outgoing: startNode(r) = e,
                                 relation: CASE type(r) WHEN 'SIMILAR_TO' THEN 'similar_to' ELSE r.type END})[0..$fanOut] AS next
                UNWIND next AS x
                RETURN e.uid AS from, x.uid AS uid, x.name AS name, x.weight AS weight, x.outgoing AS outgoing, x.relation AS relation
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
        parameters.put("reached", List.of());
        tx.run(EXPAND, parameters).consume();
        tx.run(SCORE, parameters).consume();
    }

    /** An entity a traversal reached: its weight, and the step that reached it on the strongest path (null for a seed). */
    private record Reached(String uid, String name, double weight, Reached parent, String relation, boolean forward) {

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

    /** The collection's entities the question names: by key, else by the nearest names above the similarity threshold. */
    private Map<String, Reached> seeds(TransactionContext tx, String collection, List<ExtractedGraph.Entity> questionEntities) {
        Map<String, Reached> seeds = new LinkedHashMap<>();
        List<String> uids = questionEntities.stream().map(e -> Neo4jGraphStore.uid(collection, e.key())).toList();
        for (Record row : tx.run("UNWIND $uids AS uid MATCH (e:Entity {uid: uid}) RETURN e.uid AS uid, e.name AS name",
                Map.of("uids", uids)).list()) {
            seeds.put(row.get("uid").asString(), new Reached(row.get("uid").asString(), row.get("name").asString(), EXACT_MATCH, null, null, true));
        }
        List<ExtractedGraph.Entity> unmatched = questionEntities.stream().filter(e -> !seeds.containsKey(Neo4jGraphStore.uid(collection, e.key()))).toList();
        if (!unmatched.isEmpty()) {
            List<float[]> vectors = embedNames.apply(unmatched.stream().map(ExtractedGraph.Entity::name).toList());
            for (float[] vector : vectors) {
                for (Record row : tx.run("""
                        CALL db.index.vector.queryNodes($index, $neighbours, $vector) YIELD node, score
                        WITH node, score WHERE node.collection = $collection AND score >= $threshold
                        RETURN node.uid AS uid, node.name AS name, score
                        """, Map.of("index", Neo4jGraphStore.VECTOR_INDEX, "neighbours", properties.similarNeighbours() * Neo4jGraphStore.VECTOR_OVERFETCH, "vector", vector,
                        "collection", collection, "threshold", properties.similarityThreshold())).list()) {
                    String uid = row.get("uid").asString();
                    double score = row.get("score").asDouble();
                    if (!seeds.containsKey(uid) || seeds.get(uid).weight() < score) {
                        seeds.put(uid, new Reached(uid, row.get("name").asString(), score, null, null, true));
                    }
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
            double weight = parent.weight() * properties.hopDecay() * Math.min(1.0, sum[0]);
            String uid = row.get("uid").asString();
            Reached known = reached.get(uid);
            if ((known == null || known.weight() < weight) && (known != null || reached.size() < properties.maxReached())) {
                Reached step = new Reached(uid, row.get("name").asString(), weight, parent, row.get("relation").asString(),
                        row.get("outgoing").asBoolean());
                reached.put(uid, step);
                next.put(uid, step);
            }
        });
        return List.copyOf(next.values());
    }

    /** The chunks that mention reached entities, scored by the weights of the entities they mention. */
    private static List<GraphHit> score(TransactionContext tx, Map<String, Reached> reached, Map<String, Object> acl, int limit) {
        Map<String, Object> parameters = new HashMap<>(acl);
        parameters.put("reached", List.copyOf(reached.keySet()));
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, Reached> best = new HashMap<>();
        Map<String, String> documents = new HashMap<>();
        for (Record row : tx.run(SCORE, parameters).list()) {
            String chunk = row.get("chunk").asString();
            Reached entity = reached.get(row.get("entity").asString());
            scores.computeIfAbsent(chunk, c -> new double[1])[0] += entity.weight();
            documents.put(chunk, row.get("document").asString());
            best.merge(chunk, entity, (a, b) -> a.weight() >= b.weight() ? a : b);
        }
        return scores.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .limit(limit)
                .map(e -> {
                    Reached via = best.get(e.getKey());
                    return new GraphHit(e.getKey(), documents.get(e.getKey()), e.getValue()[0], via.entry().name(), via.path());
                })
                .toList();
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
