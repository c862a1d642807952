package ai.dsp.platform.ingest;

import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Stage;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EmbeddingSpace;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/** The pipeline's work steps, each called from the ingest route as {@code bean: ingestSteps/<step>}. */
public final class IngestSteps {

    private final TikaExtractor extractor;
    private final Chunker chunker;
    private final Embedder embedder;
    private final ChunkStore store;
    private final PlatformMetrics metrics;

    public IngestSteps(TikaExtractor extractor, Chunker chunker, Embedder embedder, ChunkStore store, PlatformMetrics metrics) {
        this.extractor = extractor;
        this.chunker = chunker;
        this.embedder = embedder;
        this.store = store;
        this.metrics = metrics;
    }

    public IngestJob extract(IngestJob job) {
        long started = System.nanoTime();
        byte[] content = job.content();
        Extraction extraction = extractor.extract(new ByteArrayInputStream(content), job.filename(), content.length);
        job.extraction(extraction, measured(Stage.EXTRACT, started));
        return job;
    }

    public IngestJob chunk(IngestJob job) {
        long started = System.nanoTime();
        List<TextChunk> pieces = chunker.split(job.extraction().text());
        List<Chunk> chunks = new ArrayList<>(pieces.size());
        for (TextChunk piece : pieces) {
            chunks.add(new Chunk(job.id(), piece.ordinal(), piece.text(), null, piece.startOffset(), piece.endOffset(),
                    piece.headingPath(), job.filename(), job.metadata()));
        }
        job.chunks(chunks, measured(Stage.CHUNK, started));
        return job;
    }

    public IngestJob embed(IngestJob job) {
        long started = System.nanoTime();
        EmbeddingSpace space = embedder.of(job.collection());
        job.embedded(withVectors(job.chunks(), space), space, measured(Stage.EMBED, started));
        return job;
    }

    /**
     * Replaces the document's chunks in one step; a document that changed collection leaves its
     * old one. Chunks embedded just before the collection's model changed are embedded again, so
     * an index never receives another model's vectors.
     */
    public IngestJob store(IngestJob job) {
        long started = System.nanoTime();
        List<Chunk> chunks = job.chunks();
        EmbeddingSpace space = embedder.of(job.collection());
        if (job.embeddedIn() != null && !job.embeddedIn().equals(space)) {
            chunks = withVectors(chunks, space);
        }
        store.replaceDocument(job.collection(), job.id(), chunks);
        if (job.previousCollection() != null && !job.previousCollection().equals(job.collection())) {
            store.deleteDocument(job.previousCollection(), job.id());
        }
        job.stored(measured(Stage.STORE, started));
        return job;
    }

    private List<Chunk> withVectors(List<Chunk> chunks, EmbeddingSpace space) {
        List<float[]> vectors = embedder.embed(space, chunks.stream().map(Chunk::text).toList());
        List<Chunk> embedded = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            embedded.add(chunks.get(i).withVector(vectors.get(i)));
        }
        return embedded;
    }

    /** Records the stage's time and returns it in milliseconds, for the document's timings. */
    private long measured(Stage stage, long startedNanos) {
        long nanos = System.nanoTime() - startedNanos;
        metrics.stage(stage, nanos);
        return nanos / 1_000_000;
    }
}
