package ai.dsp.platform.ingest;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Outcome;
import ai.dsp.platform.notify.DocumentEvent;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.MetadataFilter;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Owns document status: every transition is recorded in the registry and yields its event. */
public final class DocumentService {

    private static final int MAX_PAGE = 500;

    private final DocumentRegistry registry;
    private final ChunkStore store;
    private final Clock clock;
    private final PlatformMetrics metrics;

    public DocumentService(DocumentRegistry registry, ChunkStore store, Clock clock, PlatformMetrics metrics) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A document was accepted over the API and waits in the ingestion queue. */
    public IngestJob received(IngestJob job) {
        registry.save(record(job, DocumentStatus.RECEIVED, null, 0, receivedAt(job)));
        return job;
    }

    /** Starts ingestion, or marks the job unchanged when the same content is already indexed. */
    public IngestJob admit(IngestJob job) {
        Optional<DocumentRecord> existing = registry.find(job.id());
        existing.filter(r -> !r.collection().equals(job.collection()) && r.status() != DocumentStatus.DELETED)
                .ifPresent(r -> job.previousCollection(r.collection()));
        boolean unchanged = existing
                .filter(r -> r.status() == DocumentStatus.INDEXED)
                .filter(r -> r.collection().equals(job.collection()))
                .filter(r -> r.contentHash().equals(job.contentHash()))
                .isPresent();
        if (job.receivedAt() == null) {
            job.receivedAt(existing.map(DocumentRecord::receivedAt).orElse(now()));
        }
        if (unchanged) {
            job.markUnchanged();
            metrics.document(job.source(), job.collection(), Outcome.UNCHANGED, 0, job.elapsedNanos());
        } else {
            registry.save(record(job, DocumentStatus.PROCESSING, null, 0, job.receivedAt()));
        }
        return job;
    }

    public IngestJob indexed(IngestJob job) {
        registry.save(record(job, DocumentStatus.INDEXED, null, job.chunks().size(), receivedAt(job)));
        metrics.document(job.source(), job.collection(), Outcome.INDEXED, job.chunks().size(), job.elapsedNanos());
        job.event(event(DocumentEvent.INDEXED, job.id(), job.collection(), job.chunks().size(), job.elapsedMs(), null, job.requestId()));
        return job;
    }

    public IngestJob failed(IngestJob job, String reason) {
        job.fail(reason);
        registry.save(record(job, DocumentStatus.FAILED, reason, 0, receivedAt(job)));
        metrics.document(job.source(), job.collection(), Outcome.FAILED, 0, job.elapsedNanos());
        job.event(event(DocumentEvent.FAILED, job.id(), job.collection(), 0, job.elapsedMs(), reason, job.requestId()));
        return job;
    }

    public DocumentEvent delete(String id, String requestId) {
        DocumentRecord record = get(id);
        if (record.status() == DocumentStatus.DELETED) {
            throw new NotFoundException("document '" + id + "' is already deleted");
        }
        store.deleteDocument(record.collection(), id);
        registry.save(record.withStatus(DocumentStatus.DELETED, null, now()));
        return event(DocumentEvent.DELETED, id, record.collection(), 0, null, null, requestId);
    }

    /** The event to announce for a pipeline job or an event already made (a deletion). */
    public DocumentEvent eventOf(Object body) {
        if (body instanceof IngestJob job && job.event() != null) {
            return job.event();
        }
        if (body instanceof DocumentEvent event) {
            return event;
        }
        throw new IllegalArgumentException("nothing to announce in " + (body == null ? "an empty body" : body.getClass().getSimpleName()));
    }

    public DocumentRecord get(String id) {
        return registry.find(id).orElseThrow(() -> new NotFoundException("document '" + id + "' does not exist"));
    }

    /** The record if the caller's scope lets them see it; one they may not see does not exist for them. */
    public DocumentRecord get(String id, List<MetadataFilter> scope) {
        DocumentRecord record = get(id);
        MetadataFilter.Access access = access(scope);
        if (access != null && !access.permits(record.metadata())) {
            throw new NotFoundException("document '" + id + "' does not exist");
        }
        return record;
    }

    /** A page of the records the caller's scope lets them see (its ACL; the registry indexes no other metadata). */
    public DocumentRegistry.Page list(String collection, String status, Integer offset, Integer limit, List<MetadataFilter> scope) {
        int from = offset == null ? 0 : offset;
        int size = limit == null ? 50 : limit;
        if (from < 0 || size < 1 || size > MAX_PAGE) {
            throw new BadRequestException("offset must be >= 0 and limit between 1 and " + MAX_PAGE);
        }
        return registry.list(blankToNull(collection), parseStatus(status), access(scope), from, size);
    }

    private static MetadataFilter.Access access(List<MetadataFilter> scope) {
        if (scope == null) {
            throw new IllegalStateException("a document read needs the caller's scope");
        }
        return scope.stream().filter(MetadataFilter.Access.class::isInstance).map(MetadataFilter.Access.class::cast)
                .findFirst().orElse(null);
    }

    private static DocumentStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return DocumentStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("status must be one of received, processing, indexed, failed, deleted");
        }
    }

    private DocumentRecord record(IngestJob job, DocumentStatus status, String reason, int chunks, Instant receivedAt) {
        return new DocumentRecord(job.id(), job.collection(), job.source(), job.filename(), job.contentType(),
                job.contentHash(), job.content().length, job.metadata(), status, reason, chunks, job.timings(),
                receivedAt, now(), job.requestId());
    }

    // Looked up once per job: admit or the first status change records it on the job.
    private Instant receivedAt(IngestJob job) {
        if (job.receivedAt() == null) {
            job.receivedAt(registry.find(job.id()).map(DocumentRecord::receivedAt).orElse(now()));
        }
        return job.receivedAt();
    }

    private DocumentEvent event(String type, String id, String collection, Integer chunks, Long durationMs, String error, String requestId) {
        return new DocumentEvent(type, id, collection, chunks, durationMs, error, now(), requestId);
    }

    private Instant now() {
        return clock.instant();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
