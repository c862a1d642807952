package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The manifest API on the default store, files in a manifests folder; and what only files have: edits on disk. */
class FileStoreManifestApiTest extends ManifestApiContract {

    @BeforeAll
    static void start() throws Exception {
        start(new String[0]);
    }

    private static Path manifestsDir() {
        return app.dataDir.toAbsolutePath().getParent().resolve("manifests");
    }

    @Test
    void anEditOnDiskIsANewVersionAndABrokenOneLeavesTheLastServingAndReported() throws Exception {
        assertThat(app.send("POST", "/manifests", "{\"manifest\":" + manifest("on-disk") + "}", java.util.Map.of()).status()).isEqualTo(201);
        Path file = manifestsDir().resolve("on-disk.json");
        assertThat(file).exists();
        JsonNode before = app.get("/manifests/on-disk").body();

        String edited = Files.readString(file).replace("\"Project on-disk\"", "\"Edited by hand\"");
        Files.writeString(file, edited);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(app.get("/manifests/on-disk").body().path("project_name").asText()).isEqualTo("Edited by hand"));
        assertThat(app.get("/manifests/on-disk/versions").body().at("/versions/1/author").asText()).startsWith("file:");
        // the server's timestamps of an edit it did not make: updated then, created as before
        JsonNode afterEdit = app.get("/manifests/on-disk").body();
        assertThat(afterEdit.path("created_at").asText()).isEqualTo(before.path("created_at").asText());
        assertThat(Instant.parse(afterEdit.path("updated_at").asText())).isAfter(Instant.parse(before.path("updated_at").asText()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(EVENTS).anySatisfy(event -> {
            assertThat(event.path("type").asText()).isEqualTo("manifest.updated");
            assertThat(event.path("projectId").asText()).isEqualTo("on-disk");
            assertThat(event.path("author").asText()).isEqualTo("file:on-disk.json");
        }));

        Files.writeString(file, "{ \"project_id\": \"on-disk\", ");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(app.get("/health").body().at("/manifests/problems").toString()).contains("on-disk.json"));
        assertThat(app.get("/health").body().at("/manifests/status").asText()).isEqualTo("DEGRADED");
        assertThat(app.get("/manifests/on-disk").body().path("project_name").asText()).isEqualTo("Edited by hand");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(EVENTS.stream().map(event -> event.path("type").asText())).contains("manifest.invalid"));
    }
}
