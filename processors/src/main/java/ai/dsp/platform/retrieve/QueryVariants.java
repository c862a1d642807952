package ai.dsp.platform.retrieve;

import java.util.List;

/** Writes other versions of a query (an LLM): the seed's {@code fusion} and {@code multi_query} expansion strategies. */
public interface QueryVariants {

    /** @throws RuntimeException when no variant can be had (the search then runs the query alone) */
    List<String> variants(String query, int count);

    String name();
}
