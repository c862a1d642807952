package ai.dsp.platform.graph;

import java.util.List;

/**
 * What one chunk says as a graph: the entities it mentions and the relations between them.
 * Entities are identified by their {@link Entity#key() key}, the normalised name under which
 * variants of one name ("Ferries", "the ferry") meet.
 */
public record ExtractedGraph(List<Entity> entities, List<Relation> relations) {

    public static final ExtractedGraph EMPTY = new ExtractedGraph(List.of(), List.of());

    public ExtractedGraph {
        entities = List.copyOf(entities);
        relations = List.copyOf(relations);
    }

    /**
     * @param key      normalised name: lower case, lemmatised nouns, single spaces
     * @param name     the name as the text first wrote it
     * @param type     {@code proper} (a named thing) or {@code concept}, or the LLM's type
     * @param mentions how often the chunk mentions it
     */
    public record Entity(String key, String name, String type, int mentions) {
    }

    /**
     * @param source the key of the entity the text names first (the subject)
     * @param target the key of the other entity
     * @param type   the verb that links them (lemmatised), or {@link #CO_OCCURS}
     * @param weight the relation's strength in this chunk: a verb relation weighs more than co-occurrence
     */
    public record Relation(String source, String target, String type, double weight) {

        public static final String CO_OCCURS = "co_occurs";
    }
}
