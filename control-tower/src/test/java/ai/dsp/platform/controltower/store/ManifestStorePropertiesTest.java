package ai.dsp.platform.controltower.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's settings as Spring Boot binds them from properties and the environment. */
class ManifestStorePropertiesTest {

    @Test
    void withoutSettingsItIsTheFileStoreInTheDefaultFolders() {
        ManifestStoreProperties properties = bind(Map.of());

        assertThat(properties.type()).isEqualTo(ManifestStoreProperties.Type.FILE);
        assertThat(properties.manifestsDir()).isEqualTo(Path.of("manifests"));
        assertThat(properties.historyDir()).isEqualTo(Path.of("data", "manifest-history"));
        assertThat(properties.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.postgres().poolSize()).isEqualTo(5);
        assertThat(properties.postgres().resolvedPassword()).isNull();
    }

    @Test
    void thePostgresStoreBindsFromKebabCaseProperties() {
        ManifestStoreProperties properties = bind(Map.of(
                "dsp.control-tower.store.type", "postgres",
                "dsp.control-tower.store.history-dir", "/var/lib/dsp/manifest-history",
                "dsp.control-tower.store.poll-interval", "250ms",
                "dsp.control-tower.store.postgres.url", "jdbc:postgresql://db:5432/dsp",
                "dsp.control-tower.store.postgres.username", "dsp",
                "dsp.control-tower.store.postgres.password", "from-the-environment",
                "dsp.control-tower.store.postgres.pool-size", "8"));

        assertThat(properties.type()).isEqualTo(ManifestStoreProperties.Type.POSTGRES);
        assertThat(properties.historyDir()).isEqualTo(Path.of("/var/lib/dsp/manifest-history"));
        assertThat(properties.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(properties.postgres().url()).isEqualTo("jdbc:postgresql://db:5432/dsp");
        assertThat(properties.postgres().username()).isEqualTo("dsp");
        assertThat(properties.postgres().resolvedPassword()).isEqualTo("from-the-environment");
        assertThat(properties.postgres().poolSize()).isEqualTo(8);
    }

    @Test
    void thePasswordCanComeFromASecretFileWithoutItsLineBreak(@TempDir Path temp) throws Exception {
        Path secret = Files.writeString(temp.resolve("pg-password"), "s3cret with spaces \n");

        ManifestStoreProperties properties = bind(Map.of("dsp.control-tower.store.postgres.password-file", secret.toString()));

        assertThat(properties.postgres().resolvedPassword()).isEqualTo("s3cret with spaces ");
    }

    @Test
    void thePasswordNeverAppearsInTheSettingsText() {
        ManifestStoreProperties properties = bind(Map.of("dsp.control-tower.store.postgres.password", "do-not-log-me"));

        assertThat(properties.toString()).doesNotContain("do-not-log-me").contains("password=***");
    }

    @Test
    void inconsistentSettingsAreRefusedAtStart() {
        assertThatThrownBy(() -> bind(Map.of("dsp.control-tower.store.type", "postgres")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("postgres.url is required");
        assertThatThrownBy(() -> bind(Map.of("dsp.control-tower.store.postgres.password", "x",
                "dsp.control-tower.store.postgres.password-file", "/run/secrets/pg")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("not both");
        assertThatThrownBy(() -> bind(Map.of("dsp.control-tower.store.poll-interval", "0s")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("must be positive");
    }

    private static ManifestStoreProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("dsp.control-tower.store", ManifestStoreProperties.class);
    }
}
