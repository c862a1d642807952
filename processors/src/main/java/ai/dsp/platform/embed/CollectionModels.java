package ai.dsp.platform.embed;

import java.util.Optional;

/** The embedding model a collection asks for (its {@code rag_config} module or its configuration), if it names one. */
@FunctionalInterface
public interface CollectionModels {

    Optional<InProcessModel> modelOf(String collection);
}
