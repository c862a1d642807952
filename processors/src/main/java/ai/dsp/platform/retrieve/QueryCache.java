package ai.dsp.platform.retrieve;

import java.util.Optional;

/**
 * Results of recent retrievals, shared by every instance (Redis in production). An entry belongs
 * to its collection's current generation: any change to the collection starts a new generation
 * ({@link InvalidatingChunkStore}), so no cached result outlives the content it was computed from.
 */
public interface QueryCache {

    /** No cache: every retrieval runs. The default without Redis. */
    QueryCache NONE = new QueryCache() {
        @Override
        public Entry lookup(String collection, String key) {
            return Entry.MISS;
        }

        @Override
        public void invalidate(String collection) {
        }
    };

    /**
     * The cached result of a query, if any. A result computed after a miss is stored through the
     * returned entry, under the generation seen here: if the collection changed meanwhile, it is
     * stored under the old one and never served.
     */
    Entry lookup(String collection, String key);

    /** The collection changed: nothing cached for it before now is served again. */
    void invalidate(String collection);

    interface Entry {

        Entry MISS = new Entry() {
            @Override
            public Optional<RetrieveResponse> cached() {
                return Optional.empty();
            }

            @Override
            public void store(RetrieveResponse response) {
            }
        };

        Optional<RetrieveResponse> cached();

        void store(RetrieveResponse response);
    }
}
