package ai.dsp.platform.ingest;

import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.notify.DocumentEvent;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.EmbeddingSpace;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One document travelling through the ingestion pipeline; each step fills in its part.
 * Not thread-safe: one exchange owns it at a time.
 */
public final class IngestJob {

    private final String id;
    private final String collection;
    private final String source;
    private final String filename;
    private final byte[] content;
    private final Map<String, Object> metadata;
    private final String requestId;
    private final String contentHash;

    private boolean unchanged;
    private String previousCollection;
    private Instant receivedAt;
    private Extraction extraction;
    private List<Chunk> chunks = List.of();
    private EmbeddingSpace embeddedIn;
    private long extractMs;
    private long chunkMs;
    private long embedMs;
    private long storeMs;
    private final long startedNanos = System.nanoTime();
    private String failure;
    private DocumentEvent event;

    public IngestJob(String id, String collection, String source, String filename, byte[] content,
                     Map<String, Object> metadata, String requestId) {
        this.id = id;
        this.collection = collection;
        this.source = source;
        this.filename = filename;
        this.content = content;
        this.metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        this.requestId = requestId;
        this.contentHash = DocumentIds.sha256(content);
    }

    public String id() { return id; }
    public String collection() { return collection; }
    public String source() { return source; }
    public String filename() { return filename; }
    public byte[] content() { return content; }
    public Map<String, Object> metadata() { return metadata; }
    public String requestId() { return requestId; }
    public String contentHash() { return contentHash; }

    /** Same id, same collection and same content as what is already indexed: nothing to do. */
    public boolean isUnchanged() { return unchanged; }
    void markUnchanged() { this.unchanged = true; }

    /** Set when the document moves between collections, so its old chunks can be removed. */
    public String previousCollection() { return previousCollection; }
    void previousCollection(String collection) { this.previousCollection = collection; }

    /** When the document was first received; known once the job is recorded. */
    Instant receivedAt() { return receivedAt; }
    void receivedAt(Instant instant) { this.receivedAt = instant; }

    public Extraction extraction() { return extraction; }
    void extraction(Extraction extraction, long millis) { this.extraction = extraction; this.extractMs = millis; }

    public List<Chunk> chunks() { return chunks; }
    void chunks(List<Chunk> chunks, long millis) { this.chunks = List.copyOf(chunks); this.chunkMs = millis; }
    void embedded(List<Chunk> chunks, EmbeddingSpace space, long millis) {
        this.chunks = List.copyOf(chunks);
        this.embeddedIn = space;
        this.embedMs = millis;
    }
    /** The model the chunks' vectors were made with. */
    EmbeddingSpace embeddedIn() { return embeddedIn; }
    void stored(long millis) { this.storeMs = millis; }

    public boolean isFailed() { return failure != null; }
    public String failure() { return failure; }
    void fail(String reason) { this.failure = reason; }

    /** The outcome to announce, once the pipeline has recorded one. */
    public DocumentEvent event() { return event; }
    void event(DocumentEvent event) { this.event = event; }

    public String contentType() {
        return extraction == null ? null : extraction.contentType();
    }

    public DocumentRecord.Timings timings() {
        return new DocumentRecord.Timings(extractMs, chunkMs, embedMs, storeMs, elapsedMs());
    }

    public long elapsedMs() {
        return elapsedNanos() / 1_000_000;
    }

    public long elapsedNanos() {
        return System.nanoTime() - startedNanos;
    }
}
