package ai.dsp.platform.graph;

import java.util.Optional;

/** Which collections have the knowledge graph on, and how each is traversed. */
public interface GraphCollections {

    /**
     * @param maxHops relations a traversal follows at most from the question's entities (the module's {@code max_hops})
     */
    record Settings(int maxHops) {

        public static final int MAX_HOPS_LIMIT = 3;

        public Settings {
            if (maxHops < 1 || maxHops > MAX_HOPS_LIMIT) {
                throw new IllegalArgumentException("max_hops must be between 1 and " + MAX_HOPS_LIMIT + ", was " + maxHops);
            }
        }
    }

    Optional<Settings> of(String collection);
}
