package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.ChunkStoreContract;
import ai.dsp.platform.testing.ElasticsearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

/** The chunk-store contract against a real Elasticsearch 8.19, through camel-elasticsearch. */
class ElasticsearchChunkStoreTest extends ChunkStoreContract {

    static final EmbeddingSpace SPACE = new EmbeddingSpace("test-model", DIMENSIONS);

    private static ElasticsearchFixture elasticsearch;
    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void startElasticsearch() {
        elasticsearch = new ElasticsearchFixture(ElasticsearchServer.shared());
    }

    @AfterAll
    static void closeClients() throws Exception {
        elasticsearch.close();
    }

    @AfterEach
    void dropIndexes() {
        prefixes.forEach(elasticsearch::dropPrefix);
    }

    @Override
    protected ChunkStore newStore() {
        String prefix = ElasticsearchFixture.newPrefix();
        prefixes.add(prefix);
        return elasticsearch.store(prefix, SPACE, texts -> {
            throw new AssertionError("no rebuild expected");
        });
    }

    @Override
    protected ChunkStore reopen(ChunkStore closed) {
        return elasticsearch.store(prefixes.get(prefixes.size() - 1), SPACE, texts -> {
            throw new AssertionError("no rebuild expected");
        });
    }
}
