package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreUnavailableException;
import ai.dsp.platform.testing.ElasticsearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * What only the Elasticsearch store does, against a real node: the blue-green rebuild when a
 * collection's embedding model changes, and bulk items Elasticsearch refuses with 429.
 */
class ElasticsearchIndexLifecycleTest {

    private static final String COLLECTION = "kb";
    private static final EmbeddingSpace OLD_MODEL = new EmbeddingSpace("model-a", 8);
    private static final EmbeddingSpace NEW_MODEL = new EmbeddingSpace("model-b", 12);
    private static final Function<List<String>, List<float[]>> NO_REBUILD = texts -> {
        throw new AssertionError("no rebuild expected");
    };

    private static ElasticsearchFixture elasticsearch;
    private String prefix;
    private ChunkIndexes indexes;

    @BeforeAll
    static void startElasticsearch() {
        elasticsearch = new ElasticsearchFixture(ElasticsearchServer.shared());
    }

    @AfterAll
    static void closeClients() throws Exception {
        elasticsearch.close();
    }

    @BeforeEach
    void newPrefix() {
        prefix = ElasticsearchFixture.newPrefix();
        indexes = new ChunkIndexes(elasticsearch.client, ElasticsearchFixture.properties(prefix, 0));
    }

    @AfterEach
    void dropIndexes() {
        elasticsearch.dropPrefix(prefix);
    }

    @Test
    void aNewModelRebuildsTheCollectionIntoANewIndexAndMovesTheAliasOnlyWhenComplete() throws Exception {
        try (ElasticsearchChunkStore old = elasticsearch.store(prefix, OLD_MODEL, NO_REBUILD)) {
            for (int d = 0; d < 30; d++) {
                old.replaceDocument(COLLECTION, "doc-" + d, chunks("doc-" + d, 3, "archive entry " + d, OLD_MODEL));
            }
            old.replaceDocument(COLLECTION, "changing", chunks("changing", 3, "draft version", OLD_MODEL));
            old.replaceDocument(COLLECTION, "retired", chunks("retired", 2, "retired guideline", OLD_MODEL));
        }
        String oldIndex = indexes.indexName(COLLECTION, OLD_MODEL);
        String newIndex = indexes.indexName(COLLECTION, NEW_MODEL);

        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Function<List<String>, List<float[]>> newModel = texts -> {
            copying.countDown();
            awaitLatch(proceed);
            return texts.stream().map(text -> vector(text, NEW_MODEL)).toList();
        };
        try (ElasticsearchChunkStore store = elasticsearch.store(prefix, NEW_MODEL, newModel)) {
            // the first write with the new model starts the rebuild and lands in the new index
            store.replaceDocument(COLLECTION, "fresh", chunks("fresh", 2, "fresh release notes", NEW_MODEL));
            assertThat(copying.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.isRebuilding(COLLECTION)).isTrue();

            // mid-copy: the alias still names the complete old index, keyword search reads it
            assertThat(indexes.current(COLLECTION)).contains(oldIndex);
            assertThat(documentIds(store.searchKeyword(keyword("archive entry 7", 3)))).contains("doc-7");
            assertThat(store.countChunks(COLLECTION)).isEqualTo(30 * 3 + 3 + 2);
            // dense searches read it too, with queries in the old model
            assertThat(store.vectorSpace(COLLECTION)).isEqualTo(OLD_MODEL);
            assertThat(store.searchVector(new SearchRequest(COLLECTION, null, vector("archive entry 7 1", OLD_MODEL), 1, List.of())
                    .inSpace(OLD_MODEL))).extracting(hit -> hit.chunk().id()).containsExactly("doc-7:1");

            // written and deleted while their old chunks are being copied
            store.replaceDocument(COLLECTION, "changing", chunks("changing", 1, "final version", NEW_MODEL));
            store.deleteDocument(COLLECTION, "retired");
            proceed.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> !store.isRebuilding(COLLECTION));

            assertThat(indexes.current(COLLECTION)).contains(newIndex);
            assertThat(elasticsearch.client.indices().exists(e -> e.index(oldIndex)).value()).isFalse();
            assertThat(store.countChunks(COLLECTION)).isEqualTo(30 * 3 + 1 + 2);
            assertThat(chunksOf(store, "changing")).extracting(hit -> hit.chunk().text()).containsExactly("final version 0");
            assertThat(chunksOf(store, "retired")).isEmpty();
            assertThat(chunksOf(store, "doc-7")).hasSize(3);
            List<ScoredChunk> nearest = store.searchVector(new SearchRequest(COLLECTION, null,
                    vector("archive entry 7 1", NEW_MODEL), 1, List.of()));
            assertThat(nearest.get(0).chunk().id()).isEqualTo("doc-7:1");
        }
    }

    @Test
    void itemsRefusedWith429AreRetriedThenTheStoreIsUnavailableAndStoredDataStaysIntact() throws Exception {
        try (ElasticsearchChunkStore store = elasticsearch.store(prefix, OLD_MODEL, NO_REBUILD, 2);
             ElasticsearchChunkStore patient = elasticsearch.store(prefix, OLD_MODEL, NO_REBUILD, 30)) {
            store.replaceDocument(COLLECTION, "kept", chunks("kept", 2, "kept text", OLD_MODEL));
            String index = indexes.indexName(COLLECTION, OLD_MODEL);

            // a flood-stage disk block: Elasticsearch answers every write item with 429
            block(index, true);
            try {
                assertThatThrownBy(() -> store.replaceDocument(COLLECTION, "blocked", chunks("blocked", 2, "blocked text", OLD_MODEL)))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("429");
                assertThat(store.countChunks(COLLECTION)).isEqualTo(2);
                assertThat(chunksOf(store, "kept")).hasSize(2);

                // lifted while the store backs off: the same write goes through
                CompletableFuture<Void> lift = CompletableFuture.runAsync(() -> {
                    sleep(Duration.ofMillis(400));
                    block(index, false);
                });
                patient.replaceDocument(COLLECTION, "blocked", chunks("blocked", 2, "blocked text", OLD_MODEL));
                lift.get(10, TimeUnit.SECONDS);
            } finally {
                block(index, false);
            }
            assertThat(store.countChunks(COLLECTION)).isEqualTo(4);
            assertThat(chunksOf(store, "blocked")).hasSize(2);
        }
    }

    private static SearchRequest keyword(String text, int k) {
        return new SearchRequest(COLLECTION, text, null, k, List.of());
    }

    private static List<ScoredChunk> chunksOf(ElasticsearchChunkStore store, String documentId) {
        return store.searchKeyword(new SearchRequest(COLLECTION, "version text guideline entry", null, 100,
                List.of(new MetadataFilter.Equals("documentId", documentId))));
    }

    private static void block(String index, boolean blocked) {
        try {
            elasticsearch.client.indices().putSettings(s -> s.index(index)
                    .withJson(new StringReader("{\"index.blocks.read_only_allow_delete\": " + blocked + "}")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot set the write block on " + index, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
