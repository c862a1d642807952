package ai.dsp.platform.controltower.store;

import ai.dsp.platform.controltower.store.ManifestVersion.Change;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The file store passes the contract, and follows what operators do in the manifests folder. */
class FileManifestStoreTest extends ManifestStoreContract {

    /** Reading the folder is triggered by the watch service; the poll is the fallback, and edits must show within seconds. */
    private static final Duration ON_DISK = Duration.ofSeconds(5);
    private static final String REJECTED_OWNER = "rejected-owner";

    @TempDir
    Path temp;
    private Path manifests;
    private Path history;
    private final List<Map.Entry<String, String>> problemsHeard = new CopyOnWriteArrayList<>();

    @Override
    protected void prepareBackend() throws IOException {
        manifests = temp.resolve("manifests");
        history = temp.resolve("data").resolve("manifest-history");
        Files.createDirectories(manifests.resolve("templates"));
        Files.writeString(manifests.resolve("templates").resolve("rag.json"), "{\"project_id\": \"template-not-a-manifest\"}");
    }

    @Override
    protected ManifestStore openStore() {
        return new FileManifestStore(manifests, history, Duration.ofSeconds(1), FileManifestStoreTest::validate,
                (file, reason) -> problemsHeard.add(Map.entry(file, reason)));
    }

    /** The stand-in for the schema and ManifestChecks: one rule, enough to be broken on purpose. */
    private static List<String> validate(ObjectNode document) {
        return REJECTED_OWNER.equals(document.path("owner").asText()) ? List.of("/owner: not an owner we know") : List.of();
    }

    private FileManifestStore fileStore() {
        return (FileManifestStore) store;
    }

    // ---- the folder as the store writes it

    @Test
    void theCurrentFileIsThePrettyDocumentAndTheHistoryHasAnEnvelope() throws Exception {
        ObjectNode document = document("{\"project_id\":\"alpha\",\"zeta\":[1,{\"b\":true}],\"empty\":{},\"none\":[],\"a\":null}");

        store.write("alpha", document, Precondition.absent(), info(Change.CREATED, "ann", "created"));

        assertThat(Files.readString(manifests.resolve("alpha.json"))).isEqualTo("""
                {
                  "project_id": "alpha",
                  "zeta": [
                    1,
                    {
                      "b": true
                    }
                  ],
                  "empty": {},
                  "none": [],
                  "a": null
                }
                """);
        ObjectNode envelope = document(Files.readString(history.resolve("alpha").resolve("1.json")));
        assertThat(envelope.fieldNames()).toIterable()
                .containsExactly("number", "change", "author", "created_at", "summary", "file", "document");
        assertThat(envelope.get("document")).isEqualTo(document);
        assertThat(envelope.get("file").asText()).isEqualTo("alpha.json");
    }

    @Test
    void aDeleteRemovesTheFileAndAPurgeTheHistory() {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        store.delete("alpha", Precondition.present(), info(Change.DELETED, "ann", "deleted"));
        assertThat(manifests.resolve("alpha.json")).doesNotExist();
        assertThat(history.resolve("alpha").resolve("2.json")).exists();

        store.purge("alpha");
        assertThat(history.resolve("alpha")).doesNotExist();
    }

    @Test
    void subfoldersAreNotManifests() {
        assertThat(store.current()).isEmpty();
        assertThat(fileStore().problems()).isEmpty();
        assertThat(store.versions("template-not-a-manifest")).isEmpty();
    }

    @Test
    void theStoresOwnWritesDoNotComeBackAsEdits() {
        List<String> heard = new CopyOnWriteArrayList<>();
        store.onChange(heard::add);
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.write("alpha", manifest("alpha", "two"), Precondition.version(1), info(Change.UPDATED, "ann", "updated"));

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> store.versions("alpha").size() == 2 && heard.size() == 2);
        assertThat(store.versions("alpha")).extracting(ManifestVersion::author).containsExactly("ann", "ann");
    }

    // ---- what operators do on disk

    @Test
    void anEditOnDiskBecomesANewVersion() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        store.onChange(heard::add);
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        heard.clear();

        Files.writeString(manifests.resolve("alpha.json"), "{\"project_id\": \"alpha\", \"description\": \"edited\", \"new\": 1}");

        await().atMost(ON_DISK).until(() -> store.current("alpha").map(ManifestVersion::number).orElse(0) == 2);
        ManifestVersion edited = store.current("alpha").orElseThrow();
        assertThat(edited.change()).isEqualTo(Change.UPDATED);
        assertThat(edited.author()).isEqualTo("file:alpha.json");
        assertThat(edited.summary()).isEqualTo("edited on disk");
        assertThat(edited.document()).isEqualTo(document("{\"project_id\": \"alpha\", \"description\": \"edited\", \"new\": 1}"));
        assertThat(heard).contains("alpha");
    }

    @Test
    void aNewFileOnDiskIsCreated() throws Exception {
        Files.writeString(manifests.resolve("gamma.json"), "{\"project_id\": \"gamma\", \"description\": \"by hand\"}");

        await().atMost(ON_DISK).until(() -> store.current("gamma").isPresent());
        ManifestVersion created = store.current("gamma").orElseThrow();
        assertThat(created.number()).isEqualTo(1);
        assertThat(created.change()).isEqualTo(Change.CREATED);
        assertThat(created.author()).isEqualTo("file:gamma.json");
    }

    @Test
    void onlyAChangedDocumentIsANewVersionNotChangedSpacing() throws Exception {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        Path file = manifests.resolve("alpha.json");

        Files.writeString(file, Files.readString(file).replace("\n", "\n\n    "));
        Files.writeString(manifests.resolve("marker.json"), "{\"project_id\": \"marker\"}");

        await().atMost(ON_DISK).until(() -> store.current("marker").isPresent());
        assertThat(store.versions("alpha")).hasSize(1);
    }

    @Test
    void manifestsChangedWhileTheStoreWasStoppedAreImportedOnStart() throws Exception {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.write("beta", manifest("beta", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.close();

        Files.writeString(manifests.resolve("alpha.json"), "{\"project_id\": \"alpha\", \"description\": \"offline edit\"}");
        Files.delete(manifests.resolve("beta.json"));
        ManifestStore restarted = open();

        assertThat(description(restarted, "alpha")).contains("offline edit");
        assertThat(restarted.current("beta")).isEmpty();
        assertThat(restarted.versions("beta")).extracting(ManifestVersion::summary).containsExactly("created", "removed on disk");
    }

    @Test
    void removingAFileOnDiskIsADelete() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        store.onChange(heard::add);
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        heard.clear();

        Files.delete(manifests.resolve("alpha.json"));

        await().atMost(ON_DISK).until(() -> store.current("alpha").isEmpty());
        ManifestVersion tombstone = store.versions("alpha").get(1);
        assertThat(tombstone.change()).isEqualTo(Change.DELETED);
        assertThat(tombstone.author()).isEqualTo("file:alpha.json");
        assertThat(tombstone.summary()).isEqualTo("removed on disk");
        assertThat(heard).contains("alpha");
    }

    @Test
    void aFileThatIsNotJsonLeavesTheLastVersionServingAndIsAProblem() throws Exception {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        Files.writeString(manifests.resolve("alpha.json"), "{\n  \"project_id\": \"alpha\",\n  \"password\": s3cr3t-value\n}");

        await().atMost(ON_DISK).until(() -> fileStore().problems().containsKey("alpha.json"));
        String reason = fileStore().problems().get("alpha.json");
        assertThat(reason).startsWith("not valid JSON at line 3").doesNotContain("s3cr3t");
        // the watcher records the problem, then tells its listeners: awaited, not raced
        await().atMost(ON_DISK).untilAsserted(() -> assertThat(problemsHeard).containsExactly(Map.entry("alpha.json", reason)));
        assertThat(description(store, "alpha")).contains("one");
        assertThat(store.versions("alpha")).hasSize(1);

        Files.writeString(manifests.resolve("alpha.json"), "{\"project_id\": \"alpha\", \"description\": \"fixed\"}");
        await().atMost(ON_DISK).until(() -> fileStore().problems().isEmpty() && description(store, "alpha").orElseThrow().equals("fixed"));
    }

    @Test
    void aFileTheValidatorRejectsLeavesTheLastVersionServingAndIsAProblem() throws Exception {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        Files.writeString(manifests.resolve("alpha.json"), "{\"project_id\": \"alpha\", \"owner\": \"" + REJECTED_OWNER + "\"}");

        await().atMost(ON_DISK).until(() -> fileStore().problems().containsKey("alpha.json"));
        assertThat(fileStore().problems().get("alpha.json")).isEqualTo("not a valid manifest: /owner: not an owner we know");
        // the listeners hear of it after the problem is recorded: awaited, not raced
        await().atMost(ON_DISK).untilAsserted(() -> assertThat(problemsHeard).extracting(Map.Entry::getKey).containsExactly("alpha.json"));
        assertThat(description(store, "alpha")).contains("one");
        assertThat(store.versions("alpha")).hasSize(1);
    }

    @Test
    void problemsFoundOnStartReachTheListener() throws Exception {
        Files.writeString(manifests.resolve("broken.json"), "[1, 2]");
        Files.writeString(manifests.resolve("dup.json"), "{\"project_id\": \"a\", \"x\": 1, \"x\": 2}");

        FileManifestStore second = (FileManifestStore) open();

        assertThat(second.problems()).containsOnlyKeys("broken.json", "dup.json");
        assertThat(second.problems().get("broken.json")).isEqualTo("not a JSON object");
        assertThat(second.problems().get("dup.json")).startsWith("a key appears twice at line 1").contains("'x'");
        assertThat(problemsHeard).extracting(Map.Entry::getKey).contains("broken.json", "dup.json");
    }

    @Test
    void aFileNamedOtherwiseThanItsProjectIdIsServedUnderItsProjectIdWithAProblem() throws Exception {
        Files.writeString(manifests.resolve("rag-model-server-integration.json"),
                "{\"project_id\": \"ai-rag-platform\", \"description\": \"seed\"}");

        await().atMost(ON_DISK).until(() -> store.current("ai-rag-platform").isPresent());
        assertThat(store.current("rag-model-server-integration")).isEmpty();
        assertThat(fileStore().problems().get("rag-model-server-integration.json"))
                .isEqualTo("holds project_id ai-rag-platform: served as ai-rag-platform; rename the file to ai-rag-platform.json");
        assertThat(store.current("ai-rag-platform").orElseThrow().author()).isEqualTo("file:rag-model-server-integration.json");

        store.write("ai-rag-platform", manifest("ai-rag-platform", "through the API"), Precondition.version(1),
                info(Change.UPDATED, "ann", "updated"));

        assertThat(manifests.resolve("rag-model-server-integration.json")).doesNotExist();
        assertThat(manifests.resolve("ai-rag-platform.json")).exists();
        await().atMost(ON_DISK).until(() -> fileStore().problems().isEmpty());
        assertThat(store.versions("ai-rag-platform")).hasSize(2);
    }

    @Test
    void aSecondFileForOneProjectIdIsIgnoredWithAProblem() throws Exception {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        Files.writeString(manifests.resolve("copy-of-alpha.json"), "{\"project_id\": \"alpha\", \"description\": \"copy\"}");

        await().atMost(ON_DISK).until(() -> fileStore().problems().containsKey("copy-of-alpha.json"));
        assertThat(fileStore().problems().get("copy-of-alpha.json"))
                .isEqualTo("also holds project_id alpha, which alpha.json serves; ignored");
        assertThat(description(store, "alpha")).contains("one");
    }

    @Test
    void aMissingManifestsFolderWithLiveHistoryIsRefusedRatherThanDeletingEverything() throws Exception {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        store.close();
        Path wrongPath = temp.resolve("typo");

        assertThatThrownBy(() -> new FileManifestStore(wrongPath, history, Duration.ofSeconds(1), FileManifestStoreTest::validate,
                (file, reason) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("manifests-dir");
        assertThat(wrongPath).doesNotExist();
        assertThat(open().current("alpha")).isPresent();
    }

    // ---- another process on the same folders

    @Test
    void writersInTwoProcessesNeverTakeTheSameNumber() throws Exception {
        int writesEach = 40;
        Path ready = temp.resolve("child-ready");
        Path go = temp.resolve("go");
        Path output = temp.resolve("child.log");
        Process child = FileStoreWriter.start(manifests, history, "shared", writesEach, ready, go, output);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ready) || !child.isAlive());
            assertThat(child.isAlive()).as("the child writer started; its output: %s", output).isTrue();
            Files.createFile(go);
            for (int i = 0; i < writesEach; i++) {
                store.write("shared", manifest("shared", "parent " + i), Precondition.any(), info(Change.UPDATED, "parent", "race"));
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the child's exit code; its output: %s", output).isZero();
        } finally {
            child.destroyForcibly();
        }

        List<ManifestVersion> versions = store.versions("shared");
        assertThat(versions).extracting(ManifestVersion::number)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * writesEach).boxed().toList());
        assertThat(versions).extracting(ManifestVersion::author).containsOnly("parent", "child")
                .filteredOn("child"::equals).hasSize(writesEach);
        long turns = IntStream.range(1, versions.size())
                .filter(i -> !versions.get(i).author().equals(versions.get(i - 1).author())).count();
        assertThat(turns).as("the two processes' writes interleave (else this proves nothing)").isGreaterThanOrEqualTo(2);
    }
}
