package ai.dsp.platform.document;

import ai.dsp.platform.store.MetadataFilter;

import java.util.List;
import java.util.Optional;

/** Durable status store of documents, shared by ingestion and the document API. */
public interface DocumentRegistry extends AutoCloseable {

    /**
     * Stores the record: visible to reads and durable when this returns. A record in status
     * {@code processing} is the exception: it is a progress marker that may show late and become
     * durable only with the next save, so a crash can lose it and leave the document's earlier
     * state, which is what a restart resumes from.
     */
    void save(DocumentRecord record);

    Optional<DocumentRecord> find(String id);

    /** A page of records ordered by id; {@code collection} and {@code status} may be null (any). */
    default Page list(String collection, DocumentStatus status, int offset, int limit) {
        return list(collection, status, null, offset, limit);
    }

    /** The same, only of the documents {@code access} lets its caller see (null: all of them), inside the query. */
    Page list(String collection, DocumentStatus status, MetadataFilter.Access access, int offset, int limit);

    /** Collections that hold at least one document that is not deleted. */
    List<String> collections();

    record Page(List<DocumentRecord> items, long total, int offset, int limit) {
    }

    @Override
    void close();
}
