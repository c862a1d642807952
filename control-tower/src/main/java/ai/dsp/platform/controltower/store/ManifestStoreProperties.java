package ai.dsp.platform.controltower.store;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the Control Tower keeps manifests and their versions.
 *
 * @param type         {@code file} (the default: {@link FileManifestStore}) or {@code postgres} ({@link JdbcManifestStore})
 * @param manifestsDir the current manifests, one {@code <project_id>.json} each (default {@code manifests})
 * @param historyDir   the file store's versions; the app binds it to {@code ${dsp.data-dir}/manifest-history}
 *                     (default here {@code data/manifest-history}, the same with the default data dir)
 * @param pollInterval how often the file store reads the manifests folder even when no change was reported
 *                     (network file systems report none); default 1 s
 * @param postgres     the database of the {@code postgres} store
 */
@Validated
@ConfigurationProperties("dsp.control-tower.store")
public record ManifestStoreProperties(Type type, Path manifestsDir, Path historyDir, Duration pollInterval,
                                      @Valid Postgres postgres) {

    public enum Type { FILE, POSTGRES }

    public ManifestStoreProperties {
        type = type == null ? Type.FILE : type;
        manifestsDir = manifestsDir == null ? Path.of("manifests") : manifestsDir;
        historyDir = historyDir == null ? Path.of("data", "manifest-history") : historyDir;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("dsp.control-tower.store.poll-interval must be positive, was " + pollInterval);
        }
        postgres = postgres == null ? new Postgres(null, null, null, null, null) : postgres;
        if (type == Type.POSTGRES && (postgres.url() == null || postgres.url().isBlank())) {
            throw new IllegalArgumentException("dsp.control-tower.store.postgres.url is required when dsp.control-tower.store.type is postgres");
        }
    }

    /**
     * The PostgreSQL database. The password never sits in a configuration file: give it in the
     * environment ({@code DSP_CONTROL_TOWER_STORE_POSTGRES_PASSWORD}) or as a file holding it (a
     * mounted secret, {@code password-file}); not both.
     *
     * @param url          {@code jdbc:postgresql://host:5432/database}, without credentials
     * @param username     the database user
     * @param password     from the environment only
     * @param passwordFile a file whose content (without the trailing line break) is the password
     * @param poolSize     connections of the pool (default 5), one of which the change listener holds
     */
    public record Postgres(String url, String username, String password, Path passwordFile, @Min(2) @Max(100) Integer poolSize) {

        public Postgres {
            poolSize = poolSize == null ? 5 : poolSize;
            if (password != null && !password.isEmpty() && passwordFile != null) {
                throw new IllegalArgumentException("give dsp.control-tower.store.postgres.password or password-file, not both");
            }
        }

        /** The password from the environment or the password file; null when there is none (trust or peer authentication). */
        public String resolvedPassword() {
            if (passwordFile == null) {
                return password == null || password.isEmpty() ? null : password;
            }
            try {
                return Files.readString(passwordFile).replaceAll("[\r\n]+$", "");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dsp.control-tower.store.postgres.password-file " + passwordFile, e);
            }
        }

        /** Without the password, so that logging the settings cannot leak it. */
        @Override
        public String toString() {
            return "Postgres[url=" + url + ", username=" + username + ", password=" + (password == null ? "unset" : "***")
                    + ", passwordFile=" + passwordFile + ", poolSize=" + poolSize + "]";
        }
    }
}
