package ai.dsp.platform.store.lucene;

import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.ChunkStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

class LuceneChunkStoreTest extends ChunkStoreContract {

    @TempDir
    Path root;

    @Override
    protected ChunkStore newStore() {
        return new LuceneChunkStore(root, spaces(DIMENSIONS), Duration.ZERO);
    }

    @Override
    protected ChunkStore reopen(ChunkStore closed) {
        return newStore();
    }
}
