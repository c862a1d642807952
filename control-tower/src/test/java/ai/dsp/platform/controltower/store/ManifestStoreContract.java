package ai.dsp.platform.controltower.store;

import ai.dsp.platform.controltower.store.ManifestVersion.Change;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link ManifestStore} does, run against each implementation: versions and their
 * numbering, preconditions (exactly one of concurrent writers wins), tombstones and purges,
 * documents back exactly as written, and change notifications, also between two stores on one
 * backend (two replicas, or two processes on one folder).
 */
public abstract class ManifestStoreContract {

    /** Decimals as written, as the Control Tower reads every body and file. */
    protected static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private final List<AutoCloseable> opened = new ArrayList<>();
    /** The store under test, opened on a fresh backend before each test. */
    protected ManifestStore store;

    /** Makes an empty backend for this test (a folder, a database). */
    protected abstract void prepareBackend() throws Exception;

    /** A new store on this test's backend; called again, another instance on the same one, as a second process would open. */
    protected abstract ManifestStore openStore();

    /** How long a change may take to reach a second store on the same backend. */
    protected Duration crossStoreDelivery() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    void openFirstStore() throws Exception {
        prepareBackend();
        store = open();
    }

    @AfterEach
    void closeStores() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable resource : opened) {
            resource.close();
        }
        opened.clear();
    }

    /** Another store on the same backend, closed after the test. */
    protected ManifestStore open() {
        return closeAfterTest(openStore());
    }

    /** Closed after the test, after what is opened later (a pool after the store on it). */
    protected <T extends AutoCloseable> T closeAfterTest(T resource) {
        opened.add(resource);
        return resource;
    }

    // ---- round trip

    @Test
    void aCreatedManifestReadsBackExactlyAsWritten() throws Exception {
        String text = "{\"project_id\":\"alpha\",\"zeta\":1,\"project_name\":\"Alpha\",\"x-unknown\":{\"nested\":{\"deep\":"
                + "\"\\u00e9 \\u2603 \\\"quoted\\\"\",\"list\":[3,1,2.5,true,null,\"x\",{\"b\":1,\"a\":2}]}},\"modules\":[{\"name\":\"m\","
                + "\"module_type\":\"rag_config\",\"config\":{}}],\"big\":12345678901234,\"tiny\":-0.0010,\"empty\":[],\"alpha\":false}";
        ObjectNode document = document(text);
        String asWritten = JSON.writeValueAsString(document);
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);

        ManifestVersion written = store.write("alpha", document, Precondition.absent(), info(Change.CREATED, "ann", "first"));
        document.put("zeta", 99);

        assertThat(written.number()).isEqualTo(1);
        assertThat(written.change()).isEqualTo(Change.CREATED);
        assertThat(written.createdAt()).isBetween(before, Instant.now());
        ManifestVersion read = store.current("alpha").orElseThrow();
        assertThat(read).isEqualTo(written);
        assertThat(read.document().toString()).contains("\"tiny\":-0.0010");
        assertThat(read.document().fieldNames()).toIterable()
                .containsExactly("project_id", "zeta", "project_name", "x-unknown", "modules", "big", "tiny", "empty", "alpha");
        assertThat(JSON.writeValueAsString(read.document())).isEqualTo(asWritten);
        assertThat(JSON.writeValueAsString(store.version("alpha", 1).orElseThrow().document())).isEqualTo(asWritten);
        assertThat(JSON.writeValueAsString(store.current().get(0).document())).isEqualTo(asWritten);
    }

    @Test
    void aReadDocumentIsTheCallersCopy() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "first"));

        store.current("alpha").orElseThrow().document().put("description", "changed by a reader");

        assertThat(description(store, "alpha")).contains("one");
    }

    // ---- current and versions

    @Test
    void currentListsTheLiveManifestsInProjectIdOrder() {
        for (String id : List.of("charlie", "alpha", "Bravo", "delta")) {
            store.write(id, manifest(id, "v1"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        }
        store.write("alpha", manifest("alpha", "v2"), Precondition.version(1), info(Change.UPDATED, "ann", "updated"));
        store.delete("delta", Precondition.present(), info(Change.DELETED, "ann", "gone"));

        assertThat(store.current()).extracting(ManifestVersion::projectId).containsExactly("Bravo", "alpha", "charlie");
        assertThat(store.current()).extracting(ManifestVersion::number).containsExactly(1, 2, 1);
        assertThat(store.current("delta")).isEmpty();
        assertThat(store.current("never")).isEmpty();
    }

    @Test
    void versionsAreOldestFirstWithWhoWhatAndWhen() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created it"));
        store.write("alpha", manifest("alpha", "two"), Precondition.version(1), info(Change.UPDATED, "bob", "renamed a module"));
        store.write("alpha", manifest("alpha", "one"), Precondition.version(2), info(Change.ROLLED_BACK, "cy", "back to 1"));
        store.delete("alpha", Precondition.version(3), info(Change.DELETED, "dee", "retired"));
        Instant after = Instant.now();

        List<ManifestVersion> versions = store.versions("alpha");

        assertThat(versions).extracting(ManifestVersion::number).containsExactly(1, 2, 3, 4);
        assertThat(versions).extracting(ManifestVersion::change)
                .containsExactly(Change.CREATED, Change.UPDATED, Change.ROLLED_BACK, Change.DELETED);
        assertThat(versions).extracting(ManifestVersion::author).containsExactly("ann", "bob", "cy", "dee");
        assertThat(versions).extracting(ManifestVersion::summary)
                .containsExactly("created it", "renamed a module", "back to 1", "retired");
        assertThat(versions).extracting(ManifestVersion::createdAt).isSorted().allSatisfy(at -> assertThat(at).isBetween(before, after));
        assertThat(versions.get(1).document().get("description").asText()).isEqualTo("two");
        assertThat(store.versions("never")).isEmpty();
        assertThat(store.version("alpha", 5)).isEmpty();
        assertThat(store.version("alpha", 0)).isEmpty();
    }

    // ---- preconditions

    @Test
    void anUpdateExpectingTheCurrentVersionMakesTheNext() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        ManifestVersion updated = store.write("alpha", manifest("alpha", "two"), Precondition.version(1),
                info(Change.UPDATED, "bob", "updated"));

        assertThat(updated.number()).isEqualTo(2);
        assertThat(updated.change()).isEqualTo(Change.UPDATED);
        assertThat(description(store, "alpha")).contains("two");
        assertThat(store.version("alpha", 1).orElseThrow().document().get("description").asText()).isEqualTo("one");
    }

    @Test
    void aStaleVersionIsAConflictCarryingTheCurrentOne() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.write("alpha", manifest("alpha", "two"), Precondition.version(1), info(Change.UPDATED, "ann", "updated"));

        assertThatThrownBy(() -> store.write("alpha", manifest("alpha", "lost"), Precondition.version(1),
                info(Change.UPDATED, "bob", "stale")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> {
                    assertThat(conflict.current()).isEqualTo(2);
                    assertThat(conflict.projectId()).isEqualTo("alpha");
                    assertThat(conflict.precondition()).isEqualTo(Precondition.version(1));
                });
        assertThat(store.versions("alpha")).hasSize(2);
        assertThatThrownBy(() -> store.delete("alpha", Precondition.version(1), info(Change.DELETED, "bob", "stale")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> assertThat(conflict.current()).isEqualTo(2));
    }

    @Test
    void creatingAnExistingManifestIsAConflict() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        assertThatThrownBy(() -> store.write("alpha", manifest("alpha", "again"), Precondition.absent(),
                info(Change.CREATED, "bob", "create again")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> assertThat(conflict.current()).isEqualTo(1));
        assertThat(description(store, "alpha")).contains("one");
    }

    @Test
    void updatingOrDeletingAMissingManifestIsAConflictWithNoCurrentVersion() {
        assertThatThrownBy(() -> store.write("alpha", manifest("alpha", "one"), Precondition.present(),
                info(Change.UPDATED, "ann", "update")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> assertThat(conflict.current()).isZero());
        assertThatThrownBy(() -> store.delete("alpha", Precondition.any(), info(Change.DELETED, "ann", "delete")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> assertThat(conflict.current()).isZero());
        assertThat(store.versions("alpha")).isEmpty();
    }

    @Test
    void anyPreconditionCreatesOrUpdates() {
        assertThat(store.write("alpha", manifest("alpha", "one"), Precondition.any(), info(Change.CREATED, "ann", "c")).number())
                .isEqualTo(1);
        assertThat(store.write("alpha", manifest("alpha", "two"), Precondition.any(), info(Change.UPDATED, "ann", "u")).number())
                .isEqualTo(2);
    }

    // ---- delete and purge

    @Test
    void aDeleteIsATombstoneThatKeepsTheHistory() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        ManifestVersion tombstone = store.delete("alpha", Precondition.version(1), info(Change.DELETED, "bob", "retired"));

        assertThat(tombstone.number()).isEqualTo(2);
        assertThat(tombstone.deleted()).isTrue();
        assertThat(tombstone.document()).isNull();
        assertThat(store.current("alpha")).isEmpty();
        assertThat(store.current()).isEmpty();
        assertThat(store.versions("alpha")).extracting(ManifestVersion::change).containsExactly(Change.CREATED, Change.DELETED);
        assertThat(store.version("alpha", 1).orElseThrow().document().get("description").asText()).isEqualTo("one");
        assertThat(store.version("alpha", 2).orElseThrow()).isEqualTo(tombstone);
        assertThatThrownBy(() -> store.delete("alpha", Precondition.any(), info(Change.DELETED, "bob", "again")))
                .isInstanceOfSatisfying(VersionConflictException.class, conflict -> assertThat(conflict.current()).isZero());
    }

    @Test
    void aCreateAfterADeleteContinuesTheNumbering() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.delete("alpha", Precondition.present(), info(Change.DELETED, "ann", "deleted"));

        ManifestVersion recreated = store.write("alpha", manifest("alpha", "reborn"), Precondition.absent(),
                info(Change.CREATED, "bob", "recreated"));

        assertThat(recreated.number()).isEqualTo(3);
        assertThat(description(store, "alpha")).contains("reborn");
        assertThat(store.versions("alpha")).hasSize(3);
    }

    @Test
    void aPurgeRemovesEveryVersion() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.write("alpha", manifest("alpha", "two"), Precondition.version(1), info(Change.UPDATED, "ann", "updated"));
        store.write("beta", manifest("beta", "kept"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        assertThat(store.purge("alpha")).isTrue();

        assertThat(store.versions("alpha")).isEmpty();
        assertThat(store.version("alpha", 1)).isEmpty();
        assertThat(store.current("alpha")).isEmpty();
        assertThat(store.current()).extracting(ManifestVersion::projectId).containsExactly("beta");
        assertThat(store.purge("alpha")).isFalse();
        assertThat(store.write("alpha", manifest("alpha", "new"), Precondition.absent(), info(Change.CREATED, "ann", "c")).number())
                .isEqualTo(1);
    }

    @Test
    void aDeletedManifestCanBePurged() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.delete("alpha", Precondition.present(), info(Change.DELETED, "ann", "deleted"));

        assertThat(store.purge("alpha")).isTrue();

        assertThat(store.versions("alpha")).isEmpty();
    }

    // ---- concurrency

    @Test
    void ofConcurrentWritersExpectingOneVersionExactlyOneWins() throws Exception {
        ManifestStore other = open();
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                ManifestStore writer = i % 2 == 0 ? store : other;
                String description = "writer " + i;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return writer.write("alpha", manifest("alpha", description), Precondition.version(1),
                                info(Change.UPDATED, description, "race")).number();
                    } catch (VersionConflictException conflict) {
                        return -conflict.current();
                    }
                }));
            }
            start.countDown();
            List<Integer> outcomes = new ArrayList<>();
            for (Future<Integer> result : results) {
                outcomes.add(result.get(30, TimeUnit.SECONDS));
            }

            assertThat(outcomes).containsOnlyOnce(2).filteredOn(outcome -> outcome != 2).hasSize(writers - 1).containsOnly(-2);
        } finally {
            pool.shutdownNow();
        }
        List<ManifestVersion> versions = store.versions("alpha");
        assertThat(versions).extracting(ManifestVersion::number).containsExactly(1, 2);
        assertThat(description(store, "alpha"))
                .contains(versions.get(1).author());
    }

    // ---- notifications

    @Test
    void theStoresOwnWritesAreHeard() {
        List<String> heard = new CopyOnWriteArrayList<>();
        store.onChange(heard::add);

        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        await().atMost(Duration.ofSeconds(1)).until(() -> heard.contains("alpha"));
        store.write("beta", manifest("beta", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        await().atMost(Duration.ofSeconds(1)).until(() -> heard.contains("beta"));
        heard.clear();
        store.delete("alpha", Precondition.present(), info(Change.DELETED, "ann", "deleted"));
        await().atMost(Duration.ofSeconds(1)).until(() -> heard.contains("alpha"));
        heard.clear();
        store.purge("beta");
        await().atMost(Duration.ofSeconds(1)).until(() -> heard.contains("beta"));
    }

    @Test
    void aSecondStoreOnTheSameBackendHearsAndReadsTheChange() {
        ManifestStore replica = open();
        List<String> heard = new CopyOnWriteArrayList<>();
        replica.onChange(heard::add);

        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        await().atMost(crossStoreDelivery()).until(() -> heard.contains("alpha"));
        assertThat(replica.current("alpha").map(ManifestVersion::number)).contains(1);

        heard.clear();
        store.write("alpha", manifest("alpha", "two"), Precondition.version(1), info(Change.UPDATED, "ann", "updated"));
        await().atMost(crossStoreDelivery()).until(() -> heard.contains("alpha"));
        assertThat(description(replica, "alpha")).contains("two");

        heard.clear();
        store.delete("alpha", Precondition.version(2), info(Change.DELETED, "ann", "deleted"));
        await().atMost(crossStoreDelivery()).until(() -> heard.contains("alpha"));
        assertThat(replica.current("alpha")).isEmpty();
    }

    @Test
    void aListenerThatThrowsDoesNotSilenceTheOthers() {
        List<String> heard = new CopyOnWriteArrayList<>();
        store.onChange(projectId -> {
            throw new IllegalStateException("a broken listener");
        });
        store.onChange(heard::add);

        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        await().atMost(Duration.ofSeconds(1)).until(() -> heard.contains("alpha"));
    }

    // ---- what the store refuses

    @Test
    void unusableProjectIdsAreRefused() {
        for (String id : List.of("../escape", "a/b", "", "-leading-dash", "x".repeat(65), "with space", ".hidden")) {
            assertThatThrownBy(() -> store.write(id, JSON.createObjectNode(), Precondition.any(), info(Change.CREATED, "ann", "c")))
                    .as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.current(id)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.current()).isEmpty();
    }

    @Test
    void aDocumentForAnotherProjectIsRefused() {
        assertThatThrownBy(() -> store.write("alpha", manifest("beta", "one"), Precondition.absent(), info(Change.CREATED, "ann", "c")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.versions("alpha")).isEmpty();
        assertThat(store.versions("beta")).isEmpty();
    }

    @Test
    void theKindOfChangeMustFitTheOperation() {
        assertThatThrownBy(() -> store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.DELETED, "ann", "c")))
                .isInstanceOf(IllegalArgumentException.class);
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "c"));
        assertThatThrownBy(() -> store.delete("alpha", Precondition.present(), info(Change.UPDATED, "ann", "d")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.versions("alpha")).hasSize(1);
    }

    // ---- helpers

    protected static ObjectNode manifest(String projectId, String description) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("project_id", projectId);
        manifest.put("project_name", projectId + " project");
        manifest.put("description", description);
        manifest.putArray("modules").addObject().put("module_type", "rag_config").put("name", "docs").putObject("config");
        return manifest;
    }

    protected static ObjectNode document(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    protected static VersionInfo info(Change change, String author, String summary) {
        return new VersionInfo(change, author, summary);
    }

    protected static Optional<String> description(ManifestStore store, String projectId) {
        return store.current(projectId).map(version -> version.document().get("description").asText());
    }
}
