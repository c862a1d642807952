package ai.dsp.platform.retrieve;

import java.util.Objects;

/**
 * A collection's LLM query expansion: {@code variants} writes {@code count} other versions of
 * each query, every version is searched as the query would be, and their rankings are fused by
 * reciprocal rank (the seed sorted the raw scores of different queries against each other, which
 * compares numbers that mean different things).
 */
public record Expansion(QueryVariants variants, int count) {

    public static final int DEFAULT_COUNT = 3;
    public static final int MAX_COUNT = 10;

    public Expansion {
        Objects.requireNonNull(variants, "variants");
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("query_expansion_num_queries must be between 1 and " + MAX_COUNT + ", was " + count);
        }
    }
}
