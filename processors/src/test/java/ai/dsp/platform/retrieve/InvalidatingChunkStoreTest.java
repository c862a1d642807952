package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.ChunkStoreContract;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.lucene.LuceneChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every store write invalidates its collection's cached results before it returns, failed ones too. */
class InvalidatingChunkStoreTest {

    @TempDir
    Path root;

    private final List<String> invalidated = new CopyOnWriteArrayList<>();
    private final QueryCache recording = new QueryCache() {
        @Override
        public Entry lookup(String collection, String key) {
            return Entry.MISS;
        }

        @Override
        public void invalidate(String collection) {
            invalidated.add(collection);
        }
    };

    @Test
    void writesDeletesAndFailedWritesInvalidateTheirCollection() {
        try (InvalidatingChunkStore store = new InvalidatingChunkStore(new LuceneChunkStore(root, ChunkStoreContract.spaces(2), Duration.ZERO), recording)) {
            store.replaceDocument("kb", "a", List.of(chunk("a", new float[] {1, 0})));
            assertThat(invalidated).containsExactly("kb");
            assertThat(store.countChunks("kb")).isEqualTo(1);

            store.deleteDocument("hr", "b");
            assertThat(invalidated).containsExactly("kb", "hr");

            assertThatThrownBy(() -> store.replaceDocument("kb", "c", List.of(chunk("c", new float[] {1, 0, 0}))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(invalidated).containsExactly("kb", "hr", "kb");
        }
    }

    private static Chunk chunk(String documentId, float[] vector) {
        return new Chunk(documentId, 0, "text of " + documentId, vector, 0, 10, List.of(), documentId + ".txt", Map.of());
    }
}
