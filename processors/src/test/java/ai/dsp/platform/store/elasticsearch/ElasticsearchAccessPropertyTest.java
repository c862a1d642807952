package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.AccessProperty;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.testing.ElasticsearchServer;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The ACL property against a real Elasticsearch 8.19: the filter sits inside kNN and BM25 queries. */
class ElasticsearchAccessPropertyTest extends AccessProperty {

    private static ElasticsearchFixture elasticsearch;
    private static String prefix;
    private static ChunkStore store;

    @BeforeContainer
    static void open() {
        elasticsearch = new ElasticsearchFixture(ElasticsearchServer.shared());
        prefix = ElasticsearchFixture.newPrefix();
        store = elasticsearch.store(prefix, new EmbeddingSpace("test-model", DIMENSIONS), texts -> {
            throw new AssertionError("no rebuild expected");
        });
    }

    @AfterContainer
    static void close() throws Exception {
        store.close();
        elasticsearch.dropPrefix(prefix);
        elasticsearch.close();
    }

    @Override
    protected ChunkStore store() {
        return store;
    }
}
