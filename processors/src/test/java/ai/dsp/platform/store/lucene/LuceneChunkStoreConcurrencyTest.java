package ai.dsp.platform.store.lucene;

import ai.dsp.platform.store.ChunkStoreContract;
import static ai.dsp.platform.store.ChunkStoreContract.chunks;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.MetadataFilter.Equals;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneChunkStoreConcurrencyTest {

    private static final String COLLECTION = "docs";
    private static final int VERSION_A_CHUNKS = 5;
    private static final int VERSION_B_CHUNKS = 3;
    private static final int REPLACEMENTS = 100;

    @TempDir
    Path root;

    private LuceneChunkStore store;
    private ExecutorService threads;

    @BeforeEach
    void setUp() {
        store = new LuceneChunkStore(root, ChunkStoreContract.spaces(4), Duration.ofMillis(20));
        threads = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        store.close();
    }

    @Test
    void readersNeverSeeAMixOfOldAndNewChunks() {
        List<Chunk> versionA = chunks("doc", VERSION_A_CHUNKS, "alpha");
        List<Chunk> versionB = chunks("doc", VERSION_B_CHUNKS, "beta");
        store.replaceDocument(COLLECTION, "doc", versionA);
        AtomicBoolean writerDone = new AtomicBoolean();
        CountDownLatch readerStarted = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        ConcurrentLinkedQueue<List<String>> mixedViews = new ConcurrentLinkedQueue<>();

        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            readerStarted.countDown();
            do {
                List<String> texts = chunkTexts(store.searchKeyword(new SearchRequest(COLLECTION, "alpha beta", null,
                        50, List.of(new Equals("documentId", "doc")))));
                if (!isWholeVersion(texts)) {
                    mixedViews.add(texts);
                }
                reads.incrementAndGet();
            } while (!writerDone.get());
        }, threads);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            awaitQuietly(readerStarted);
            for (int i = 0; i < REPLACEMENTS; i++) {
                store.replaceDocument(COLLECTION, "doc", i % 2 == 0 ? versionB : versionA);
            }
            writerDone.set(true);
        }, threads);

        CompletableFuture.allOf(reader, writer).join();

        assertThat(mixedViews).isEmpty();
        assertThat(reads.get()).isGreaterThan(1);
        assertThat(store.countChunks(COLLECTION)).isEqualTo(VERSION_A_CHUNKS);
    }

    @Test
    void concurrentWritersToDifferentDocumentsAllLand() {
        int writers = 4;
        int documentsPerWriter = 15;
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            work.add(CompletableFuture.runAsync(() -> IntStream.range(0, documentsPerWriter).forEach(d -> {
                String documentId = "w" + writer + "-d" + d;
                store.replaceDocument(COLLECTION, documentId, chunks(documentId, 4, "draft"));
                store.replaceDocument(COLLECTION, documentId, chunks(documentId, 2, "final"));
            }), threads));
        }

        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();

        assertThat(store.countChunks(COLLECTION)).isEqualTo((long) writers * documentsPerWriter * 2);
        assertThat(store.searchKeyword(new SearchRequest(COLLECTION, "draft", null, 10, List.of()))).isEmpty();
        assertThat(store.healthy()).isTrue();
    }

    private static boolean isWholeVersion(List<String> texts) {
        boolean allAlpha = texts.stream().allMatch(text -> text.startsWith("alpha"));
        boolean allBeta = texts.stream().allMatch(text -> text.startsWith("beta"));
        return allAlpha && texts.size() == VERSION_A_CHUNKS || allBeta && texts.size() == VERSION_B_CHUNKS;
    }

    private static List<String> chunkTexts(List<ScoredChunk> hits) {
        return hits.stream().map(hit -> hit.chunk().text()).toList();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
