package ai.dsp.platform.graph;

import java.util.Optional;

/** Which collections have the knowledge graph on, and how each is traversed. */
public interface GraphCollections {

    /**
     * @param maxHops   relations a traversal follows at most from the question's entities (the module's {@code max_hops})
     * @param extractor what reads the collection's chunks and questions; null: the platform's no-LLM extractor
     */
    record Settings(int maxHops, EntityExtractor extractor) {

        public static final int MAX_HOPS_LIMIT = 3;

        public Settings {
            if (maxHops < 1 || maxHops > MAX_HOPS_LIMIT) {
                throw new IllegalArgumentException("max_hops must be between 1 and " + MAX_HOPS_LIMIT + ", was " + maxHops);
            }
        }

        public Settings(int maxHops) {
            this(maxHops, null);
        }
    }

    Optional<Settings> of(String collection);
}
