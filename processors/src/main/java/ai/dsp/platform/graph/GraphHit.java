package ai.dsp.platform.graph;

import java.util.List;

/**
 * A chunk a traversal reached, with the path that reached it: from an entity of the question,
 * relation by relation, to an entity the chunk mentions.
 *
 * @param score the path's weight summed over the entities the chunk mentions
 * @param path  the steps of the strongest path; empty when the chunk mentions a question's entity itself
 * @param entry the question's entity the path starts from (its name in the graph)
 */
public record GraphHit(String chunkId, String documentId, double score, String entry, List<Step> path) {

    public GraphHit {
        path = List.copyOf(path);
    }

    /** One relation followed: {@code from -[relation]-> to}, by entity names; {@code relation} is a verb, co_occurs or similar_to. */
    public record Step(String from, String relation, String to) {
    }
}
