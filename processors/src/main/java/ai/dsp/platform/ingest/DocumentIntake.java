package ai.dsp.platform.ingest;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.document.CollectionCatalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Turns API submissions into queued jobs; their status is {@code received} until the pipeline takes them. */
public final class DocumentIntake {

    public static final int MAX_DOCUMENTS_PER_REQUEST = 100;

    private final DocumentService documents;

    public DocumentIntake(DocumentService documents) {
        this.documents = documents;
    }

    /** The upload's parts, already read: file name and bytes. */
    public record Upload(String filename, byte[] content) {
    }

    public record Accepted(String id, String collection, String filename, String status) {
    }

    public record AcceptedResponse(List<Accepted> documents, String requestId) {
    }

    public List<IngestJob> fromText(List<TextDocument> submitted, String collection, String requestId) {
        requireCount(submitted == null ? 0 : submitted.size());
        String target = CollectionCatalog.requireValidName(collection);
        List<IngestJob> jobs = new ArrayList<>(submitted.size());
        for (TextDocument doc : submitted) {
            if (doc == null || doc.content() == null || doc.content().isBlank()) {
                throw new BadRequestException("every document needs a non-empty 'content'");
            }
            String id = idOrNew(doc.id());
            String filename = doc.filename() == null || doc.filename().isBlank() ? id + ".txt" : doc.filename();
            jobs.add(new IngestJob(id, target, "api:text", filename, doc.content().getBytes(StandardCharsets.UTF_8),
                    doc.metadata(), requestId));
        }
        jobs.forEach(documents::received);
        return jobs;
    }

    public List<IngestJob> fromUploads(List<Upload> uploads, String collection, Map<String, Object> metadata, String requestId) {
        requireCount(uploads.size());
        String target = CollectionCatalog.requireValidName(collection);
        List<IngestJob> jobs = uploads.stream()
                .map(u -> new IngestJob(UUID.randomUUID().toString(), target, "api:upload", u.filename(), u.content(), metadata, requestId))
                .toList();
        jobs.forEach(documents::received);
        return jobs;
    }

    public AcceptedResponse accepted(List<IngestJob> jobs, String requestId) {
        return new AcceptedResponse(jobs.stream()
                .map(j -> new Accepted(j.id(), j.collection(), j.filename(), "received"))
                .toList(), requestId);
    }

    private static String idOrNew(String id) {
        if (id == null || id.isBlank()) {
            return UUID.randomUUID().toString();
        }
        if (!DocumentIds.isValidCallerId(id)) {
            throw new BadRequestException("document ids must match " + DocumentIds.callerIdPattern());
        }
        return id;
    }

    private static void requireCount(int count) {
        if (count < 1 || count > MAX_DOCUMENTS_PER_REQUEST) {
            throw new BadRequestException("send between 1 and " + MAX_DOCUMENTS_PER_REQUEST + " documents per request");
        }
    }
}
