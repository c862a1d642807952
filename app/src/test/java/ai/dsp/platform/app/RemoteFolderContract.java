package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every remote-folder source (SFTP, FTP, S3) does against its real server, as the drop folder
 * does locally: a file in a collection folder becomes an indexed document and moves to
 * {@code .done/}; an unreadable file moves to {@code .failed/} beside its reason and the next
 * file still flows; a server restart in the middle of a stream loses no file and indexes none twice.
 * Paths are relative to the polled folder ({@code harbour/ferries.txt}); each source says where
 * they, and their {@code .done/} and {@code .failed/} places, are on its server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RemoteFolderContract {

    @TempDir
    static Path work;

    private AppHarness app;
    private IndexedEvents events;

    /** Starts the server, or again after {@link #stopServer()}, with the same files and address. */
    abstract void startServer();

    abstract void stopServer();

    /** Stops the server for good and removes its files. */
    abstract void closeServer();

    /** Puts a file on the server as a careful uploader would (complete when it appears). */
    abstract void upload(String path, byte[] content);

    /** The file's content on the server, or null when there is none. */
    abstract String read(String location);

    abstract String incoming(String path);

    abstract String done(String path);

    abstract String failed(String path);

    /** The document source the platform records for the file. */
    abstract String documentSource(String path);

    /** Every setting of the source, enabled and a short poll delay included. */
    abstract List<String> settings();

    @BeforeAll
    void start() throws Exception {
        startServer();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), settings().toArray(String[]::new));
        events = IndexedEvents.capture(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        closeServer();
    }

    @Test
    void aFileInACollectionFolderBecomesAnIndexedDocumentAndMovesToDone() throws Exception {
        upload("harbour/ferries.txt", "Ferries leave the harbour at dawn and return at dusk with the fishing fleet.");

        await().atMost(Duration.ofSeconds(60)).until(() -> read(done("harbour/ferries.txt")) != null && read(incoming("harbour/ferries.txt")) == null);
        JsonNode hit = app.postJson("/api/v1/retrieve", Map.of("query", "ferries fishing fleet", "collection", "harbour", "mode", "keyword"))
                .body().path("results").get(0);
        assertThat(hit.path("filename").asText()).isEqualTo("ferries.txt");
        String id = hit.path("document_id").asText();
        JsonNode document = app.get("/api/v1/documents/" + id).body();
        assertThat(document.path("status").asText()).isEqualTo("INDEXED");
        assertThat(document.path("source").asText()).isEqualTo(documentSource("harbour/ferries.txt"));
    }

    @Test
    void anUnreadableFileMovesToFailedWithItsReasonAndTheNextFileStillFlows() throws Exception {
        upload("broken/empty.txt", "");
        upload("broken/zz-after.txt", "The file after the broken one is indexed all the same.");

        await().atMost(Duration.ofSeconds(60)).until(() -> read(failed("broken/empty.txt")) != null && read(incoming("broken/empty.txt")) == null);
        await().atMost(Duration.ofSeconds(60)).until(() -> read(done("broken/zz-after.txt")) != null);
        assertThat(read(failed("broken/empty.txt.error.txt"))).contains("empty");
    }

    @Test
    void aServerRestartInTheMiddleOfAStreamLosesNothingAndDuplicatesNothing() throws Exception {
        List<String> names = IntStream.range(0, 16).mapToObj(i -> String.format("tide-%02d.txt", i)).toList();
        for (String name : names.subList(0, 8)) {
            upload("tides/" + name, "Tide table " + name + ": high water at the harbour mouth, low water over the sands.");
        }
        // one list call per poll: a status call per document would spend the admin's rate limit
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> app.get("/api/v1/documents?collection=tides&status=indexed").body().path("total").asInt() >= 2);

        stopServer();
        startServer();
        for (String name : names.subList(8, names.size())) {
            upload("tides/" + name, "Tide table " + name + ": high water at the harbour mouth, low water over the sands.");
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> names.stream().allMatch(n -> read(done("tides/" + n)) != null));
        Map<String, Long> indexedTimes = indexedSources().stream().filter(source -> source.contains("tides/"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(indexedTimes).as("each file indexed exactly once").hasSize(names.size())
                .allSatisfy((file, times) -> assertThat(times).isEqualTo(1));
        assertThat(app.get("/api/v1/documents?collection=tides&limit=100").body().path("total").asLong()).isEqualTo(names.size());
        assertThat(names).allSatisfy(name -> assertThat(read(failed("tides/" + name))).isNull());
    }

    private void upload(String path, String text) {
        upload(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The document source of the file behind every document.indexed event so far. */
    private List<String> indexedSources() {
        return events.documentIds().stream()
                .map(id -> app.get("/api/v1/documents/" + id).body().path("source").asText())
                .toList();
    }
}
