package ai.dsp.platform.controltower.manifest;

import ai.dsp.platform.controltower.store.FileManifestStore;
import ai.dsp.platform.controltower.store.JdbcManifestStore;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.testing.PostgresServer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's shipped manifests (their structure: dependencies, the APISIX gateway config,
 * monitoring fields, placeholders) are taken as they are, with broken dependencies as warnings,
 * and come back unchanged from both stores, but for the server's timestamps.
 */
class SeedManifestsRoundTripTest {

    private static Path dir;
    private static PostgresServer postgres;
    private static HikariDataSource pool;
    private static List<ManifestStore> stores;

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("seed-round-trip");
        postgres = PostgresServer.start();
        pool = new HikariDataSource();
        pool.setJdbcUrl(postgres.createDatabase());
        pool.setUsername("postgres");
        stores = List.of(
                new FileManifestStore(dir.resolve("manifests"), dir.resolve("history"), Duration.ofSeconds(1), document -> List.of(),
                        (file, reason) -> { }),
                new JdbcManifestStore(pool));
    }

    @AfterAll
    static void close() throws Exception {
        for (ManifestStore store : stores) {
            store.close();
        }
        pool.close();
        postgres.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sas2py", "jwe_test", "langgraph-summarizer", "rag-model-server-integration"})
    void aSeedManifestIsTakenAndComesBackAsWrittenFromBothStores(String name) throws Exception {
        ObjectNode written = SeedManifestsTest.fixture(name);
        ManifestValidator lenient = new ManifestValidator(SeedManifestsTest.SCHEMAS, DependencyChecks.WARN);
        for (ManifestStore store : stores) {
            ManifestService service = new ManifestService(store, lenient::validate, new Placeholders(variable -> null), Clock.systemUTC(),
                    version -> { });
            ManifestService.Written stored = service.create(written.deepCopy(), "importer");
            ObjectNode read = service.served(service.current(written.path("project_id").asText()).orElseThrow());

            assertThat(read.path("created_at").asText()).isNotBlank();
            ObjectNode withoutTimestamps = read.deepCopy();
            withoutTimestamps.remove(List.of("created_at", "updated_at"));
            ObjectNode expected = written.deepCopy();
            expected.remove(List.of("created_at", "updated_at"));
            assertThat(withoutTimestamps).as(store.getClass().getSimpleName()).isEqualTo(expected);
            // the text too, so that key order counts
            assertThat(withoutTimestamps.toString()).isEqualTo(expected.toString());
            assertThat(stored.version().number()).isEqualTo(1);
        }
    }
}
