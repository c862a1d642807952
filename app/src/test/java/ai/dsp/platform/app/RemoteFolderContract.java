package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * What every remote-folder source (SFTP, FTP) does against its real server, as the drop folder
 * does locally: a file in a collection folder becomes an indexed document and moves to
 * {@code .done/}; an unreadable file moves to {@code .failed/} beside its reason and the next
 * file still flows; a server restart in the middle of a stream loses no file and indexes none twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RemoteFolderContract {

    private static final String FOLDER = "incoming";

    @TempDir
    static Path work;

    private AppHarness app;
    private MockEndpoint events;

    /** Starts the server, or again after {@link #stopServer()}, with the same files and address. */
    abstract void startServer();

    abstract void stopServer();

    /** Stops the server for good and removes its files. */
    abstract void closeServer();

    /** The folder the platform's account sees as its home, on the server's disk. */
    abstract Path serverRoot();

    /** The source kind: sftp or ftp. */
    abstract String source();

    /** Settings of the source besides enabled, directory and poll delay. */
    abstract List<String> settings();

    @BeforeAll
    void start() throws Exception {
        startServer();
        String prefix = "--dsp." + source() + ".";
        List<String> args = new java.util.ArrayList<>(settings());
        args.addAll(List.of(prefix + "enabled=true", prefix + "directory=" + FOLDER, prefix + "poll-delay=200ms"));
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), args.toArray(String[]::new));
        AdviceWith.adviceWith(app.camel(), "notify", route -> route.weaveAddLast().to("mock:remote-events"));
        events = app.camel().getEndpoint("mock:remote-events", MockEndpoint.class);
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
        upload("harbour", "ferries.txt", "Ferries leave the harbour at dawn and return at dusk with the fishing fleet.");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming().resolve(".done/harbour/ferries.txt")));
        assertThat(incoming().resolve("harbour/ferries.txt")).doesNotExist();
        JsonNode hit = app.postJson("/api/v1/retrieve", Map.of("query", "ferries fishing fleet", "collection", "harbour", "mode", "keyword"))
                .body().path("results").get(0);
        assertThat(hit.path("filename").asText()).isEqualTo("ferries.txt");
        String id = hit.path("document_id").asText();
        JsonNode document = app.get("/api/v1/documents/" + id).body();
        assertThat(document.path("status").asText()).isEqualTo("INDEXED");
        assertThat(document.path("source").asText()).isEqualTo(source() + ":harbour/ferries.txt");
    }

    @Test
    void anUnreadableFileMovesToFailedWithItsReasonAndTheNextFileStillFlows() throws Exception {
        upload("broken", "empty.txt", "");
        upload("broken", "zz-after.txt", "The file after the broken one is indexed all the same.");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming().resolve(".failed/broken/empty.txt.error.txt")));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming().resolve(".done/broken/zz-after.txt")));
        assertThat(incoming().resolve(".failed/broken/empty.txt")).exists();
        assertThat(Files.readString(incoming().resolve(".failed/broken/empty.txt.error.txt"))).contains("empty");
        assertThat(incoming().resolve("broken/empty.txt")).doesNotExist();
    }

    @Test
    void aServerRestartInTheMiddleOfAStreamLosesNothingAndDuplicatesNothing() throws Exception {
        List<String> names = IntStream.range(0, 16).mapToObj(i -> String.format("tide-%02d.txt", i)).toList();
        for (String name : names.subList(0, 8)) {
            upload("tides", name, "Tide table " + name + ": high water at the harbour mouth, low water over the sands.");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> indexedSources().size() >= 2);

        stopServer();
        startServer();
        for (String name : names.subList(8, names.size())) {
            upload("tides", name, "Tide table " + name + ": high water at the harbour mouth, low water over the sands.");
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> names.stream().allMatch(n -> Files.exists(incoming().resolve(".done/tides/" + n))));
        Map<String, Long> indexedTimes = indexedSources().stream().filter(s -> s.startsWith("tides/"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(indexedTimes).as("each file indexed exactly once").hasSize(names.size())
                .allSatisfy((file, times) -> assertThat(times).isEqualTo(1));
        assertThat(app.get("/api/v1/documents?collection=tides&limit=100").body().path("total").asLong()).isEqualTo(names.size());
        assertThat(incoming().resolve(".failed/tides")).doesNotExist();
    }

    private Path incoming() {
        return serverRoot().resolve(FOLDER);
    }

    private void upload(String collection, String name, String text) {
        TestFiles.drop(incoming().resolve(collection), name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The path (collection/name) of the file behind every document.indexed event so far. */
    private List<String> indexedSources() {
        return events.getExchanges().stream()
                .map(exchange -> readJson(exchange.getMessage().getBody(String.class)))
                .filter(event -> "document.indexed".equals(event.path("type").asText()))
                .map(event -> app.get("/api/v1/documents/" + event.path("documentId").asText()).body().path("source").asText())
                .map(source -> source.substring(source.indexOf(':') + 1))
                .toList();
    }

    private static JsonNode readJson(String text) {
        try {
            return AppHarness.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
