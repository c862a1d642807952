package ai.dsp.platform.notify;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** What every listener (log, webhook, later Kafka and Redis) is told about a document outcome. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentEvent(
        String type,
        String documentId,
        String collection,
        Integer chunks,
        Long durationMs,
        String error,
        Instant time,
        String requestId) {

    public static final String INDEXED = "document.indexed";
    public static final String FAILED = "document.failed";
    public static final String DELETED = "document.deleted";
}
