package ai.dsp.platform.retrieve;

import ai.dsp.platform.notify.DocumentEvent;

import java.util.Optional;

/**
 * Results of recent retrievals, shared by every instance (Redis in production). An entry belongs
 * to its collection's current generation: any change to the collection starts a new generation,
 * so no cached result outlives the content it was computed from.
 */
public interface QueryCache {

    /** No cache: every retrieval runs. The default without Redis. */
    QueryCache NONE = new QueryCache() {
        @Override
        public Optional<RetrieveResponse> get(String collection, String key) {
            return Optional.empty();
        }

        @Override
        public void put(String collection, String key, RetrieveResponse response) {
        }

        @Override
        public void invalidate(String collection) {
        }
    };

    Optional<RetrieveResponse> get(String collection, String key);

    void put(String collection, String key, RetrieveResponse response);

    /** The collection changed: nothing cached for it before now is served again. */
    void invalidate(String collection);

    /** Called with every document event (routes/ingest-pipeline, notify). */
    default void onEvent(DocumentEvent event) {
        if (event != null && event.collection() != null) {
            invalidate(event.collection());
        }
    }
}
