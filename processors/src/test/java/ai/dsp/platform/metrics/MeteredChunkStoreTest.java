package ai.dsp.platform.metrics;

import ai.dsp.platform.store.ChunkStoreContract;
import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.ChunksRejectedException;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.StoreUnavailableException;
import ai.dsp.platform.store.lucene.LuceneChunkStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MeteredChunkStoreTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PlatformMetrics metrics = new PlatformMetrics(registry, new MetricsProperties(null));

    @Test
    void operationsOnARealStoreAreTimedAndHealthSetsTheUpGauge(@TempDir Path folder) {
        try (ChunkStore store = new MeteredChunkStore(new LuceneChunkStore(folder, ChunkStoreContract.spaces(3), Duration.ZERO), metrics, "lucene")) {
            store.replaceDocument("kb", "doc", List.of(new Chunk("doc", 0, "printers on the second floor", new float[]{1, 0, 0},
                    0, 28, List.of(), "doc.txt", Map.of())));
            assertThat(store.searchKeyword(new SearchRequest("kb", "printers", null, 5, List.of()))).hasSize(1);
            assertThat(store.healthy()).isTrue();
        }

        assertThat(registry.get(PlatformMetrics.STORE_OPERATION_DURATION).tags("store", "lucene", "operation", "replace").timer().count())
                .isEqualTo(1);
        assertThat(registry.get(PlatformMetrics.STORE_OPERATION_DURATION).tags("operation", "search_keyword").timer().count()).isEqualTo(1);
        assertThat(registry.get(PlatformMetrics.STORE_UP).tag("store", "lucene").gauge().value()).isEqualTo(1);
        assertThat(registry.find(PlatformMetrics.STORE_ERRORS).counters()).isEmpty();
    }

    @Test
    void failuresAreCountedByKindAndStillThrown() {
        ChunkStore down = new MeteredChunkStore(failing(new StoreUnavailableException("connection refused")), metrics, "elasticsearch");
        ChunkStore refusing = new MeteredChunkStore(failing(new ChunksRejectedException("mapping conflict")), metrics, "elasticsearch");

        assertThatThrownBy(() -> down.replaceDocument("kb", "doc", List.of())).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> down.searchVector(new SearchRequest("kb", null, new float[]{1}, 5, List.of())))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> refusing.replaceDocument("kb", "doc", List.of())).isInstanceOf(ChunksRejectedException.class);

        assertThat(errors("replace", "unavailable")).isEqualTo(1);
        assertThat(errors("search_vector", "unavailable")).isEqualTo(1);
        assertThat(errors("replace", "rejected")).isEqualTo(1);
        assertThat(registry.find(PlatformMetrics.STORE_OPERATION_DURATION).timers()).isEmpty();
    }

    private double errors(String operation, String error) {
        return registry.get(PlatformMetrics.STORE_ERRORS).tags("store", "elasticsearch", "operation", operation, "error", error)
                .counter().count();
    }

    /** A store whose every call fails with {@code failure}: how a store that is down or refuses looks to its callers. */
    private static ChunkStore failing(RuntimeException failure) {
        InvocationHandler handler = (proxy, method, args) -> {
            throw failure;
        };
        return (ChunkStore) Proxy.newProxyInstance(ChunkStore.class.getClassLoader(), new Class<?>[]{ChunkStore.class}, handler);
    }
}
