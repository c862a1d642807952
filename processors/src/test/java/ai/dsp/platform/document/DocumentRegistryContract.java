package ai.dsp.platform.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import ai.dsp.platform.document.DocumentRegistry.Page;
import ai.dsp.platform.store.MetadataFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DocumentRegistry} must do; a subclass runs it against one implementation.
 */
public abstract class DocumentRegistryContract {

    private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.123456789Z");

    private DocumentRegistry registry;

    /** A new, empty registry. */
    protected abstract DocumentRegistry newRegistry();

    /** The registry {@code closed} was, opened again over the same data. */
    protected abstract DocumentRegistry reopen(DocumentRegistry closed);

    @BeforeEach
    void open() {
        registry = newRegistry();
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void findsWhatWasSavedFieldForField() {
        DocumentRecord saved = new DocumentRecord("doc-1", "default", "inbox/a.pdf", "a.pdf", "application/pdf",
                "sha256:abc", 1234, Map.of("tags", List.of("x", "y"), "pages", 3), DocumentStatus.INDEXED, null, 7,
                new DocumentRecord.Timings(1, 2, 3, 4, 10), RECEIVED, RECEIVED.plusSeconds(5), "req-1");

        registry.save(saved);

        assertThat(registry.find("doc-1")).contains(saved);
        assertThat(registry.find("doc-2")).isEmpty();
    }

    @Test
    void savingAgainUpdatesInPlace() {
        registry.save(record("doc-1", "default", DocumentStatus.PROCESSING));

        registry.save(record("doc-1", "default", DocumentStatus.PROCESSING)
                .withStatus(DocumentStatus.FAILED, "unsupported format", RECEIVED.plusSeconds(1)));

        DocumentRecord found = registry.find("doc-1").orElseThrow();
        assertThat(found.status()).isEqualTo(DocumentStatus.FAILED);
        assertThat(found.reason()).isEqualTo("unsupported format");
        assertThat(registry.list(null, null, 0, 10).total()).isEqualTo(1);
        assertThat(registry.list(null, DocumentStatus.PROCESSING, 0, 10).total()).isZero();
    }

    @Test
    void listsPagesOrderedByIdWithTheTotal() {
        List<String> ids = new ArrayList<>(IntStream.range(0, 25).mapToObj(i -> String.format("doc-%02d", i)).toList());
        Collections.shuffle(ids, new Random(42));
        ids.forEach(id -> registry.save(record(id, "default", DocumentStatus.INDEXED)));

        Page first = registry.list(null, null, 0, 10);
        Page last = registry.list(null, null, 20, 10);
        Page beyond = registry.list(null, null, 30, 10);

        assertThat(first.total()).isEqualTo(25);
        assertThat(first.items()).extracting(DocumentRecord::id)
                .containsExactly(IntStream.range(0, 10).mapToObj(i -> String.format("doc-%02d", i)).toArray(String[]::new));
        assertThat(last.items()).extracting(DocumentRecord::id)
                .containsExactly("doc-20", "doc-21", "doc-22", "doc-23", "doc-24");
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(25);
        assertThat(registry.list(null, null, 5, 0).items()).isEmpty();
    }

    @Test
    void filtersByCollectionAndStatus() {
        registry.save(record("a1", "alpha", DocumentStatus.INDEXED));
        registry.save(record("a2", "alpha", DocumentStatus.FAILED));
        registry.save(record("b1", "beta", DocumentStatus.INDEXED));
        registry.save(record("b2", "beta", DocumentStatus.INDEXED));

        assertThat(ids(registry.list("alpha", null, 0, 10))).containsExactly("a1", "a2");
        assertThat(ids(registry.list(null, DocumentStatus.INDEXED, 0, 10))).containsExactly("a1", "b1", "b2");
        assertThat(ids(registry.list("beta", DocumentStatus.INDEXED, 1, 10))).containsExactly("b2");
        assertThat(registry.list("beta", DocumentStatus.INDEXED, 1, 10).total()).isEqualTo(2);
        assertThat(registry.list("gamma", null, 0, 10).total()).isZero();
    }

    @Test
    void collectionsExcludeThoseWithOnlyDeletedDocuments() {
        registry.save(record("a1", "alpha", DocumentStatus.INDEXED));
        registry.save(record("b1", "beta", DocumentStatus.DELETED));
        registry.save(record("c1", "gamma", DocumentStatus.FAILED));
        assertThat(registry.collections()).containsExactly("alpha", "gamma");

        registry.save(record("a1", "alpha", DocumentStatus.DELETED));
        registry.save(record("b2", "beta", DocumentStatus.RECEIVED));

        assertThat(registry.collections()).containsExactly("beta", "gamma");
    }

    @Test
    void survivesReopening() {
        DocumentRecord saved = record("doc-1", "default", DocumentStatus.INDEXED);
        registry.save(saved);
        registry.close();

        registry = reopen(registry);

        assertThat(registry.find("doc-1")).contains(saved);
        assertThat(registry.collections()).containsExactly("default");
    }

    @Test
    void concurrentSavesAllLand() {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CompletableFuture<?>[] saves = IntStream.range(0, 40)
                    .mapToObj(i -> CompletableFuture.runAsync(
                            () -> registry.save(record("doc-" + i, "c" + i % 3, DocumentStatus.INDEXED)), threads))
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(saves).join();
        } finally {
            threads.shutdown();
        }

        assertThat(registry.list(null, null, 0, 100).total()).isEqualTo(40);
        assertThat(registry.collections()).containsExactly("c0", "c1", "c2");
    }

    @Test
    void closesIdempotentlyAndRefusesUseAfterwards() {
        registry.close();
        registry.close();

        assertThatThrownBy(() -> registry.find("doc-1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aListShowsOnlyWhatTheCallersAccessAllowsAndCountsOnlyThat() {
        registry.save(withAcl("open", Map.of()));
        registry.save(withAcl("staff", Map.of("allowed_groups", List.of("staff", "ops"))));
        registry.save(withAcl("alice", Map.of("allowed_users", List.of("alice"))));
        registry.save(withAcl("finance", Map.of("allowed_groups", List.of("finance"))));

        Page staff = registry.list("kb", null, new MetadataFilter.Access("bob", List.of("staff"), true), 0, 10);
        Page alice = registry.list("kb", null, new MetadataFilter.Access("alice", List.of(), false), 0, 10);
        Page outsider = registry.list("kb", null, new MetadataFilter.Access("mallory", List.of("guests"), false), 0, 10);

        assertThat(ids(staff)).containsExactly("open", "staff");
        assertThat(staff.total()).isEqualTo(2);
        assertThat(ids(alice)).containsExactly("alice");
        assertThat(outsider.items()).isEmpty();
        assertThat(outsider.total()).isZero();
        assertThat(registry.list("kb", null, null, 0, 10).total()).isEqualTo(4);
    }

    private static DocumentRecord withAcl(String id, Map<String, Object> metadata) {
        return new DocumentRecord(id, "kb", "kafka:docs", id + ".txt", "text/plain", "hash-" + id, 10,
                metadata, DocumentStatus.INDEXED, null, 1, null, RECEIVED, RECEIVED, null);
    }

    private static DocumentRecord record(String id, String collection, DocumentStatus status) {
        return new DocumentRecord(id, collection, "inbox/" + id, id + ".txt", "text/plain", "hash-" + id, 10,
                Map.of(), status, null, 1, null, RECEIVED, RECEIVED, null);
    }

    private static List<String> ids(Page page) {
        return page.items().stream().map(DocumentRecord::id).toList();
    }
}
