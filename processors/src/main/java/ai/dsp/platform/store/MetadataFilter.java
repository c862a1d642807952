package ai.dsp.platform.store;

import java.util.List;

/**
 * A condition on a document metadata field, applied inside the search (pre-filter) so that
 * k results stay k results. Values are strings or numbers.
 */
public sealed interface MetadataFilter {

    String field();

    record Equals(String field, Object value) implements MetadataFilter {
    }

    record In(String field, List<Object> values) implements MetadataFilter {
        public In {
            values = List.copyOf(values);
        }
    }

    /** Bounds may be null (open); numbers compare numerically, strings lexicographically. */
    record Range(String field, Object gte, Object gt, Object lte, Object lt) implements MetadataFilter {
    }
}
