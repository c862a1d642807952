package ai.dsp.platform.app.eval;

import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.eval.RankingMetrics;
import ai.dsp.platform.ingest.DocumentIds;
import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.retrieve.RetrievalMode;
import ai.dsp.platform.retrieve.RetrievedChunk;
import ai.dsp.platform.retrieve.Retriever;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Measures retrieval quality on a BEIR-layout dataset through the real platform: the corpus goes
 * through the ingestion pipeline (the queue the REST API feeds) into a fresh collection, every
 * judged query through {@link Retriever} in each mode, and the rankings are scored with
 * trec_eval's definitions ({@link RankingMetrics}).
 */
@Component
public class Evaluation {

    /** Chunks ranked per query: deep enough for Recall@100 and a MAP comparable with trec_eval runs. */
    static final int DEPTH = 1000;
    static final String CORPUS_ID = "corpus_id";
    private static final String QUEUE = "seda:ingest-queue?blockWhenFull=true";
    /** Ingestion that makes no progress for this long is given up. */
    private static final Duration STALL_LIMIT = Duration.ofMinutes(10);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final DocumentRegistry registry;
    private final ChunkStore store;
    private final Retriever retriever;
    private final ProducerTemplate camel;
    private final Clock clock = Clock.systemUTC();

    public Evaluation(DocumentRegistry registry, ChunkStore store, Retriever retriever, ProducerTemplate camel) {
        this.registry = registry;
        this.store = store;
        this.retriever = retriever;
        this.camel = camel;
    }

    /**
     * @param collection a new collection's name, or null for {@code eval-<dataset>-<time>}
     */
    public EvaluationReport run(BeirDataset dataset, List<RetrievalMode> modes, String collection, Progress progress) {
        Ingested ingested = ingest(dataset, collection, progress);
        List<EvaluationReport.ModeResult> results = new ArrayList<>();
        for (RetrievalMode mode : modes) {
            results.add(evaluate(ingested.collection(), mode, ingested.queries(), progress));
        }
        return report(ingested, results);
    }

    /** A dataset in a fresh collection of its own, with its judged queries. */
    record Ingested(BeirDataset dataset, String collection, int documents, double ingestSeconds, List<BeirDataset.Query> queries) {
    }

    /** The corpus through the ingestion pipeline into a fresh collection ({@code collection}, or null for the default name). */
    Ingested ingest(BeirDataset dataset, String collection, Progress progress) {
        String target = freshCollection(collection == null ? defaultCollection(dataset, clock.instant()) : collection);
        long started = System.nanoTime();
        int size = send(dataset, target, progress);
        awaitIngested(registry, target, size, progress);
        return new Ingested(dataset, target, size, (System.nanoTime() - started) / 1e9, dataset.judgedQueries());
    }

    /** The report of rows ranked over an ingested dataset. */
    EvaluationReport report(Ingested ingested, List<EvaluationReport.ModeResult> rows) {
        String target = ingested.collection();
        return new EvaluationReport(ingested.dataset().name(), target, clock.instant(), ingested.documents(), count(target, DocumentStatus.INDEXED),
                count(target, DocumentStatus.FAILED), store.countChunks(target), ingested.ingestSeconds(), ingested.queries().size(), DEPTH, rows);
    }

    private int send(BeirDataset dataset, String collection, Progress progress) {
        progress.start("ingest " + dataset.name(), dataset.size());
        String requestId = "eval-" + collection;
        int sent = 0;
        try (Stream<BeirDataset.Document> corpus = dataset.documents()) {
            for (Iterator<BeirDataset.Document> it = corpus.iterator(); it.hasNext(); ) {
                BeirDataset.Document doc = it.next();
                IngestJob job = new IngestJob(DocumentIds.fromSource(collection, doc.corpusId()), collection,
                        "eval:" + dataset.name(), doc.filename(), doc.content(), Map.of(CORPUS_ID, doc.corpusId()), requestId);
                // straight onto the queue: a per-document "received" record would only slow the run
                camel.sendBody(QUEUE, job);
                sent++;
            }
        }
        return sent;
    }

    /**
     * Waits until {@code size} documents of the collection (all collections when null) are indexed
     * or failed, reporting progress; gives up when nothing moves for {@link #STALL_LIMIT}.
     */
    static void awaitIngested(DocumentRegistry registry, String collection, long size, Progress progress) {
        long done = 0;
        long lastProgress = System.nanoTime();
        while (done < size) {
            long now = registry.list(collection, DocumentStatus.INDEXED, 0, 0).total()
                    + registry.list(collection, DocumentStatus.FAILED, 0, 0).total();
            if (now > done) {
                done = now;
                lastProgress = System.nanoTime();
                progress.update(done);
            } else if (System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("ingestion made no progress for " + STALL_LIMIT.toMinutes()
                        + " minutes at " + done + " of " + size + " documents");
            }
            pause();
        }
        progress.finish();
    }

    private EvaluationReport.ModeResult evaluate(String collection, RetrievalMode mode, List<BeirDataset.Query> queries,
                                                 Progress progress) {
        progress.start("queries " + mode.wire(), queries.size());
        List<EvaluationReport.QueryResult> perQuery = new ArrayList<>(queries.size());
        List<Double> latencies = new ArrayList<>(queries.size());
        for (BeirDataset.Query query : queries) {
            long started = System.nanoTime();
            List<RetrievedChunk> chunks = retriever.rank(collection, query.text(), mode, DEPTH);
            latencies.add((System.nanoTime() - started) / 1e6);
            List<String> ranking = documentRanking(chunks);
            perQuery.add(new EvaluationReport.QueryResult(query.id(), ranking.size(), RankingMetrics.of(ranking, query.judgments())));
            progress.update(perQuery.size());
        }
        progress.finish();
        latencies.sort(Double::compare);
        return new EvaluationReport.ModeResult(mode.wire(),
                RankingMetrics.mean(perQuery.stream().map(EvaluationReport.QueryResult::metrics).toList()),
                percentile(latencies, 0.50), percentile(latencies, 0.95), perQuery);
    }

    /** Documents in the order of their best chunk. */
    static List<String> documentRanking(List<RetrievedChunk> chunks) {
        Set<String> ranking = new LinkedHashSet<>();
        for (RetrievedChunk chunk : chunks) {
            ranking.add(corpusId(chunk.documentId(), chunk.metadata()));
        }
        return List.copyOf(ranking);
    }

    /** {@link #documentRanking} of store hits. */
    static List<String> documentsOf(List<Chunk> chunks) {
        Set<String> ranking = new LinkedHashSet<>();
        for (Chunk chunk : chunks) {
            ranking.add(corpusId(chunk.documentId(), chunk.metadata()));
        }
        return List.copyOf(ranking);
    }

    private static String corpusId(String documentId, Map<String, Object> metadata) {
        Object corpusId = metadata == null ? null : metadata.get(CORPUS_ID);
        return corpusId == null ? documentId : corpusId.toString();
    }

    private String freshCollection(String requested) {
        String name = CollectionCatalog.requireValidName(requested);
        if (registry.list(name, null, 0, 0).total() > 0 || store.countChunks(name) > 0) {
            throw new IllegalArgumentException("collection '" + name + "' already holds documents; an evaluation needs a fresh one");
        }
        return name;
    }

    /** {@code eval-<dataset>-<time>}: the collection of an evaluation that names none. */
    static String defaultCollection(BeirDataset dataset, Instant now) {
        String slug = dataset.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-");
        // collection names have at most 64 characters
        slug = slug.substring(0, Math.min(slug.length(), 40));
        return "eval-" + slug + "-" + STAMP.format(now);
    }

    private long count(String collection, DocumentStatus status) {
        return registry.list(collection, status, 0, 0).total();
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * p) - 1));
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for ingestion", e);
        }
    }
}
