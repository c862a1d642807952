package ai.dsp.platform.controltower.manifest;

import ai.dsp.platform.controltower.store.FileManifestStore;
import ai.dsp.platform.controltower.store.JdbcManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.controltower.store.Precondition;
import ai.dsp.platform.controltower.store.VersionConflictException;
import ai.dsp.platform.controltower.testing.PostgresServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the service adds to a store: validation before anything is stored, the server's timestamps, summaries, rollback, announcements, a cache that follows the store. */
class ManifestServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private FileManifestStore store;
    private ManifestService service;
    private final List<ManifestVersion> announced = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        store = new FileManifestStore(dir.resolve("manifests"), dir.resolve("history"), Duration.ofMillis(200), document -> List.of(),
                (file, reason) -> { });
        service = service(store, announced);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ManifestService service(ai.dsp.platform.controltower.store.ManifestStore store, List<ManifestVersion> announced) {
        ManifestValidator validator = new ManifestValidator();
        return new ManifestService(store, validator::validate, new Placeholders(Map.of("LLM_KEY", "resolved-key")::get), CLOCK, announced::add);
    }

    static ObjectNode manifest(String projectId, String description) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"project_id": "%1$s", "project_name": "P", "description": "%2$s", "created_at": "1999-01-01T00:00:00Z",
                 "modules": [{"module_type": "inference_endpoint", "name": "%1$s-chat-inference_endpoint", "version": "1",
                              "config": {"model_name": "m", "api_key": "${LLM_KEY}"}}]}""".formatted(projectId, description));
    }

    @Test
    void aWriteGetsTheServersTimestampsASummaryAndAnAnnouncement() throws Exception {
        ManifestService.Written created = service.create(manifest("demo", "one"), "alice");
        assertThat(created.version().document().path("created_at").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(created.version().summary()).isEqualTo("created with 1 module");

        ObjectNode second = manifest("demo", "two");
        second.withArray("modules").addObject().put("module_type", "monitoring").put("name", "demo-obs-monitoring").put("version", "1")
                .putObject("config");
        ManifestService.Written updated = service.update("demo", second, Precondition.version(1), "bob");
        assertThat(updated.version().summary()).isEqualTo("modules added: demo-obs-monitoring; fields changed: description");
        assertThat(updated.version().document().path("created_at").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(announced).extracting(ManifestVersion::change)
                .containsExactly(ManifestVersion.Change.CREATED, ManifestVersion.Change.UPDATED);
    }

    @Test
    void anInvalidManifestIsRefusedAndNothingIsStored() throws Exception {
        ObjectNode invalid = manifest("demo", "x");
        invalid.withArray("modules").get(0).get("config").deepCopy();
        ((ObjectNode) invalid.withArray("modules").get(0)).put("module_type", "apisix_gateway");
        assertThatThrownBy(() -> service.create(invalid, "alice")).isInstanceOf(InvalidManifestException.class)
                .satisfies(e -> assertThat(((InvalidManifestException) e).findings()).extracting(ManifestChecks.Finding::path)
                        .contains("/modules/0/module_type"));
        assertThat(service.versions("demo")).isEmpty();
        assertThat(announced).isEmpty();
    }

    @Test
    void rollbackIsANewVersionEqualToTheOldOne() throws Exception {
        service.create(manifest("demo", "one"), "alice");
        service.update("demo", manifest("demo", "two"), Precondition.present(), "alice");
        ManifestService.Written rolledBack = service.rollback("demo", 1, Precondition.any(), "carol");
        assertThat(rolledBack.version().number()).isEqualTo(3);
        assertThat(rolledBack.version().change()).isEqualTo(ManifestVersion.Change.ROLLED_BACK);
        assertThat(rolledBack.version().summary()).isEqualTo("rolled back to version 1");
        assertThat(service.current("demo").orElseThrow().document().path("description").asText()).isEqualTo("one");
        assertThatThrownBy(() -> service.rollback("demo", 9, Precondition.any(), "carol")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePathsIdMustBeTheBodys() throws Exception {
        service.create(manifest("demo", "one"), "alice");
        assertThatThrownBy(() -> service.update("demo", manifest("other", "x"), Precondition.any(), "alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differs");
        assertThatThrownBy(() -> service.create(manifest("demo", "again"), "alice")).isInstanceOf(VersionConflictException.class);
    }

    @Test
    void resolutionIsACopyAndNeverStored() throws Exception {
        service.create(manifest("demo", "one"), "alice");
        ManifestVersion current = service.current("demo").orElseThrow();
        assertThat(service.resolve(current.document()).at("/modules/0/config/api_key").asText()).isEqualTo("resolved-key");
        assertThat(service.current("demo").orElseThrow().document().at("/modules/0/config/api_key").asText()).isEqualTo("${LLM_KEY}");
        assertThat(service.version("demo", 1).orElseThrow().document().toString()).doesNotContain("resolved-key");
    }

    @Test
    void theSharedViewIsOneTreePerVersionAndFollowsWrites() throws Exception {
        service.create(manifest("demo", "one"), "alice");
        JsonNode first = service.view(service.current("demo").orElseThrow());
        assertThat(service.view(service.current("demo").orElseThrow())).isSameAs(first);
        assertThat(service.view(service.version("demo", 1).orElseThrow())).as("the same version read again from the store").isSameAs(first);

        service.update("demo", manifest("demo", "two"), Precondition.present(), "alice");
        JsonNode second = service.view(service.current("demo").orElseThrow());
        assertThat(second).isNotSameAs(first);
        assertThat(second.path("description").asText()).isEqualTo("two");
        assertThat(first.path("description").asText()).as("a reader holding the old tree keeps it whole").isEqualTo("one");
    }

    @Test
    void aReplicasCacheFollowsAnotherReplicasWritesWithinASecond() throws Exception {
        try (PostgresServer postgres = PostgresServer.start(); HikariDataSource pool = pool(postgres.createDatabase());
             JdbcManifestStore first = new JdbcManifestStore(pool); JdbcManifestStore second = new JdbcManifestStore(pool)) {
            ManifestService writer = service(first, new CopyOnWriteArrayList<>());
            ManifestService reader = service(second, new CopyOnWriteArrayList<>());
            writer.create(manifest("shared", "one"), "alice");
            await().atMost(Duration.ofSeconds(1)).until(() -> reader.current("shared").isPresent());
            // the reader has cached version 1; the writer's next version reaches it through NOTIFY
            assertThat(reader.current("shared").orElseThrow().number()).isEqualTo(1);
            writer.update("shared", manifest("shared", "two"), Precondition.version(1), "alice");
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(reader.current("shared").orElseThrow().document().path("description").asText()).isEqualTo("two"));
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(6);
        return pool;
    }
}
