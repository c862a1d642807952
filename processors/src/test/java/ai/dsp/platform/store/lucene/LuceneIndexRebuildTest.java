package ai.dsp.platform.store.lucene;

import ai.dsp.platform.lucene.LuceneIndex;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.EmbeddingSpaces;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreUnavailableException;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.index.Term;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static ai.dsp.platform.store.TestVectors.awaitLatch;
import static ai.dsp.platform.store.TestVectors.chunks;
import static ai.dsp.platform.store.TestVectors.vector;
import static ai.dsp.platform.store.ChunkStoreContract.documentIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded store's blue-green rebuild when a collection's embedding model changes, on real
 * Lucene indexes on disk: the same guarantees as the Elasticsearch store's.
 */
class LuceneIndexRebuildTest {

    private static final String COLLECTION = "kb";
    private static final EmbeddingSpace OLD_MODEL = new EmbeddingSpace("model-a", 8);
    private static final EmbeddingSpace NEW_MODEL = new EmbeddingSpace("model-b", 12);
    private static final EmbeddingSpace OTHER_MODEL = new EmbeddingSpace("model-c", 12);

    @TempDir
    Path root;

    @Test
    void aNewModelRebuildsTheCollectionIntoANewIndexAndSwapsOnlyWhenComplete() throws Exception {
        try (LuceneChunkStore old = new LuceneChunkStore(root, new Spaces(OLD_MODEL, OLD_MODEL, texts -> {
            throw new AssertionError("no rebuild expected");
        }), Duration.ZERO)) {
            writeArchive(old);
        }
        assertThat(Files.readString(root.resolve(COLLECTION).resolve(CollectionIndexes.LIVE))).isEqualTo("model-a 8\n");

        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Function<List<String>, List<float[]>> newModel = texts -> {
            copying.countDown();
            awaitLatch(proceed);
            return texts.stream().map(text -> vector(text, NEW_MODEL)).toList();
        };
        try (LuceneChunkStore store = new LuceneChunkStore(root, new Spaces(NEW_MODEL, OLD_MODEL, newModel), Duration.ZERO)) {
            // the first write with the new model starts the rebuild and lands in the new index
            store.replaceDocument(COLLECTION, "fresh", chunks("fresh", 2, "fresh release notes", NEW_MODEL));
            assertThat(copying.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.isRebuilding(COLLECTION)).isTrue();

            // mid-copy: searches still read the complete old index, dense ones with the old model's vectors
            assertThat(documentIds(store.searchKeyword(keyword("archive entry 7", 3)))).contains("doc-7");
            assertThat(store.vectorSpace(COLLECTION)).isEqualTo(OLD_MODEL);
            assertThat(store.searchVector(new SearchRequest(COLLECTION, null, vector("archive entry 7 1", OLD_MODEL), 1, List.of())
                    .inSpace(OLD_MODEL))).extracting(hit -> hit.chunk().id()).containsExactly("doc-7:1");
            assertThatThrownBy(() -> store.searchVector(new SearchRequest(COLLECTION, null, vector("x", OTHER_MODEL), 1, List.of())
                    .inSpace(OTHER_MODEL))).isInstanceOf(StoreUnavailableException.class);
            assertThat(store.countChunks(COLLECTION)).isEqualTo(30 * 3 + 3 + 2);

            // written and deleted while their old chunks are being copied
            store.replaceDocument(COLLECTION, "changing", chunks("changing", 1, "final version", NEW_MODEL));
            store.deleteDocument(COLLECTION, "retired");
            proceed.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> !store.isRebuilding(COLLECTION));

            assertRebuilt(store);
        }
        Path collection = root.resolve(COLLECTION);
        assertThat(Files.readString(collection.resolve(CollectionIndexes.LIVE))).isEqualTo("model-b 12\n");
        assertThat(collection.resolve(OLD_MODEL.slug())).doesNotExist();

        // after a restart the new index is the live one, with everything in it
        try (LuceneChunkStore reopened = new LuceneChunkStore(root, new Spaces(NEW_MODEL, OLD_MODEL, texts -> {
            throw new AssertionError("no second rebuild expected");
        }), Duration.ZERO)) {
            assertRebuilt(reopened);
        }
    }

    @Test
    void anIndexWrittenBeforeModelsWereRecordedIsTheUnrecordedModelsAndIsRebuiltOutOfItsFolder() throws Exception {
        Path collection = root.resolve(COLLECTION);
        ChunkDocuments documents = new ChunkDocuments();
        try (LuceneIndex legacy = LuceneIndex.open(collection, new EnglishAnalyzer(), Duration.ZERO)) {
            legacy.write(writer -> writer.updateDocuments(new Term(ChunkDocuments.DOCUMENT_ID, "old"),
                    chunks("old", 2, "legacy handbook", OLD_MODEL).stream().map(documents::toDocument).toList()));
        }
        Files.createDirectories(collection.resolve("model-x-3"));  // a build a crash cut short

        try (LuceneChunkStore unchanged = new LuceneChunkStore(root, new Spaces(OLD_MODEL, OLD_MODEL, texts -> {
            throw new AssertionError("the unrecorded model is the wanted one: no rebuild");
        }), Duration.ZERO)) {
            assertThat(unchanged.collections()).containsExactly(COLLECTION);
            assertThat(nearest(unchanged, "legacy handbook 1", OLD_MODEL)).isEqualTo("old:1");
            assertThat(unchanged.isRebuilding(COLLECTION)).isFalse();
        }
        assertThat(collection.resolve("model-x-3")).doesNotExist();
        assertThat(collection.resolve(CollectionIndexes.LIVE)).doesNotExist();

        try (LuceneChunkStore store = new LuceneChunkStore(root, new Spaces(NEW_MODEL, OLD_MODEL,
                texts -> texts.stream().map(text -> vector(text, NEW_MODEL)).toList()), Duration.ZERO)) {
            // preparing a vector search is enough to find the index in the wrong model
            assertThat(store.vectorSpace(COLLECTION)).isIn(OLD_MODEL, NEW_MODEL);
            await().atMost(Duration.ofSeconds(60)).until(() -> !store.isRebuilding(COLLECTION));
            assertThat(nearest(store, "legacy handbook 1", NEW_MODEL)).isEqualTo("old:1");
            assertThat(store.countChunks(COLLECTION)).isEqualTo(2);
        }
        assertThat(Files.readString(collection.resolve(CollectionIndexes.LIVE))).isEqualTo("model-b 12\n");
        try (var files = Files.list(collection)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(CollectionIndexes.LIVE, NEW_MODEL.slug());
        }
    }

    private static void writeArchive(LuceneChunkStore store) {
        for (int d = 0; d < 30; d++) {
            store.replaceDocument(COLLECTION, "doc-" + d, chunks("doc-" + d, 3, "archive entry " + d, OLD_MODEL));
        }
        store.replaceDocument(COLLECTION, "changing", chunks("changing", 3, "draft version", OLD_MODEL));
        store.replaceDocument(COLLECTION, "retired", chunks("retired", 2, "retired guideline", OLD_MODEL));
    }

    private static void assertRebuilt(LuceneChunkStore store) {
        assertThat(store.countChunks(COLLECTION)).isEqualTo(30 * 3 + 1 + 2);
        assertThat(chunksOf(store, "changing")).extracting(hit -> hit.chunk().text()).containsExactly("final version 0");
        assertThat(chunksOf(store, "retired")).isEmpty();
        assertThat(chunksOf(store, "doc-7")).hasSize(3);
        assertThat(nearest(store, "archive entry 7 1", NEW_MODEL)).isEqualTo("doc-7:1");
        assertThat(nearest(store, "fresh release notes 0", NEW_MODEL)).isEqualTo("fresh:0");
    }

    private static String nearest(LuceneChunkStore store, String text, EmbeddingSpace space) {
        List<ScoredChunk> hits = store.searchVector(new SearchRequest(COLLECTION, null, vector(text, space), 1, List.of()));
        return hits.get(0).chunk().id();
    }

    private static SearchRequest keyword(String text, int k) {
        return new SearchRequest(COLLECTION, text, null, k, List.of());
    }

    private static List<ScoredChunk> chunksOf(LuceneChunkStore store, String documentId) {
        return store.searchKeyword(new SearchRequest(COLLECTION, "version text guideline entry notes", null, 100,
                List.of(new MetadataFilter.Equals("documentId", documentId))));
    }

    /** Every collection wants {@code wanted}; indexes without a record are {@code unrecorded}'s. */
    private record Spaces(EmbeddingSpace wanted, EmbeddingSpace unrecorded, Function<List<String>, List<float[]>> embedder)
            implements EmbeddingSpaces {

        @Override
        public EmbeddingSpace of(String collection) {
            return wanted;
        }

        @Override
        public List<float[]> embed(EmbeddingSpace space, List<String> texts) {
            assertThat(space).isEqualTo(wanted);
            return embedder.apply(texts);
        }
    }
}
