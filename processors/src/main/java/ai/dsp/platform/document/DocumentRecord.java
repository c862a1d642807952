package ai.dsp.platform.document;

import java.time.Instant;
import java.util.Map;

/**
 * What the platform knows about one document: where it came from, its content hash (to skip
 * unchanged re-ingestion) and the outcome of its last ingestion.
 */
public record DocumentRecord(
        String id,
        String collection,
        String source,
        String filename,
        String contentType,
        String contentHash,
        long sizeBytes,
        Map<String, Object> metadata,
        DocumentStatus status,
        String reason,
        int chunks,
        Timings timings,
        Instant receivedAt,
        Instant updatedAt,
        String requestId) {

    public DocumentRecord {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        timings = timings == null ? Timings.NONE : timings;
    }

    /** Milliseconds spent in each pipeline stage of the last ingestion. */
    public record Timings(long extractMs, long chunkMs, long embedMs, long storeMs, long totalMs) {
        public static final Timings NONE = new Timings(0, 0, 0, 0, 0);
    }

    public DocumentRecord withStatus(DocumentStatus newStatus, String newReason, Instant at) {
        return new DocumentRecord(id, collection, source, filename, contentType, contentHash, sizeBytes, metadata,
                newStatus, newReason, chunks, timings, receivedAt, at, requestId);
    }
}
