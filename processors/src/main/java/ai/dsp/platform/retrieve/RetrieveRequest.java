package ai.dsp.platform.retrieve;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * The body of {@code /api/v1/retrieve} and {@code /api/v1/query}. {@code filter} maps a metadata
 * field to a value (equality), {@code {"in": [...]}} or a range {@code {"gte": .., "lt": ..}}.
 */
public record RetrieveRequest(
        String query,
        String collection,
        Integer k,
        RetrievalMode mode,
        Map<String, Object> filter,
        @JsonProperty("min_score") Double minScore) {
}
