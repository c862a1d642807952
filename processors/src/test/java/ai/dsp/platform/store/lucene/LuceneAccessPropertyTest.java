package ai.dsp.platform.store.lucene;

import ai.dsp.platform.store.ChunkStoreContract;
import ai.dsp.platform.store.AccessProperty;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.testing.ChildProcess;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Path;
import java.time.Duration;

class LuceneAccessPropertyTest extends AccessProperty {

    private static Path root;
    private static ChunkStore store;

    @BeforeContainer
    static void open() {
        root = ChildProcess.tempDirectory("dsp-acl-lucene-");
        store = new LuceneChunkStore(root, ChunkStoreContract.spaces(DIMENSIONS), Duration.ZERO);
    }

    @AfterContainer
    static void close() {
        store.close();
        ChildProcess.deleteRecursively(root);
    }

    @Override
    protected ChunkStore store() {
        return store;
    }
}
