package ai.dsp.platform.retrieve;

/** Each collection's retrieval settings: the configured defaults unless the collection or its module says otherwise. */
@FunctionalInterface
public interface RetrievalCollections {

    RetrievalSettings of(String collection);
}
