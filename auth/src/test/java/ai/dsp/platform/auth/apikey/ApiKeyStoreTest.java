package ai.dsp.platform.auth.apikey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ApiKeyStoreTest {

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

        void advance(Duration by) {
            now.updateAndGet(time -> time.plus(by));
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private final MovableClock clock = new MovableClock();

    private ApiKeyStore store(Path dir) {
        return new ApiKeyStore(dir.resolve("keys"), dir.resolve("state").resolve("api-keys-last-used.json"), Duration.ofHours(24), clock);
    }

    @Test
    void theSeedsFilesWorkUnchangedAndTheNameIsTheKeyOnlyForThem(@TempDir Path dir) {
        Path keys = dir.resolve("keys");
        SeedKeyFiles.copy("ak_tiered_model_exec.yaml", keys, "ak_tiered_model_exec.yaml", 5001);
        SeedKeyFiles.copy("base_api_key.yaml", keys, "base_api_key.yaml", 0);
        SeedKeyFiles.copy("api_key_jwe_example.yaml", keys, "api_key_jwe_example.yaml", 0);
        ApiKeyStore store = store(dir);

        ApiKey legacy = store.authenticate("ak_tiered_model_exec").orElseThrow();
        assertThat(legacy.legacy()).isTrue();
        assertThat(legacy.id()).startsWith("legacy-").doesNotContain("ak_tiered");
        assertThat(legacy.staticClaims()).containsEntry("rate_limit", 200).containsEntry("tier", "enterprise");
        assertThat(store.authenticate("api_key_jwe_example").orElseThrow().id()).isEqualTo("api-key-jwe-001");
        // the base claims are no key, and an unknown key finds nothing (the seed fell back to the base claims)
        assertThat(store.authenticate("base_api_key")).isEmpty();
        assertThat(store.authenticate("no-such-key")).isEmpty();
        assertThat(store.base().orElseThrow().staticClaims()).containsEntry("rate_limit", 20);
        assertThat(store.list()).extracting(ApiKey::id).hasSize(2).doesNotContain("base-api-key");
    }

    @Test
    void aCreatedKeyIsStoredAsItsHashOwnerOnly(@TempDir Path dir) throws Exception {
        ApiKeyStore store = store(dir);

        ApiKeyStore.Issued issued = store.create(Map.of("owner", "reader", "claims", Map.of("static", Map.of("rate_limit", 5))));

        Path file = issued.key().file();
        String content = Files.readString(file);
        assertThat(issued.secret()).startsWith("dsp_").hasSizeGreaterThan(40);
        assertThat(content).doesNotContain(issued.secret()).contains("key_sha256:").contains("owner: \"reader\"");
        assertThat(file.getFileName().toString()).isEqualTo(issued.key().id() + ".yaml");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(store(dir).authenticate(issued.secret()).orElseThrow().staticClaims()).containsEntry("rate_limit", 5);
        assertThat(store.authenticate(issued.secret().substring(1))).isEmpty();
    }

    @Test
    void anExpiredKeyIsRefusedAndARotatedOneWorksForTheOverlapOnly(@TempDir Path dir) {
        ApiKeyStore store = store(dir);
        ApiKeyStore.Issued issued = store.create(Map.of("owner", "reader", "expires_at", "2026-12-03T10:00:00Z"));

        ApiKeyStore.Issued rotated = store.rotate(issued.key().id());
        assertThat(rotated.key().id()).isEqualTo(issued.key().id());
        assertThat(store.authenticate(rotated.secret())).isPresent();
        assertThat(store.authenticate(issued.secret())).isPresent();

        clock.advance(Duration.ofHours(25));
        assertThat(store.authenticate(issued.secret())).isEmpty();
        assertThat(store.authenticate(rotated.secret())).isPresent();

        clock.advance(Duration.ofDays(1));
        assertThat(store.authenticate(rotated.secret())).isEmpty();
    }

    @Test
    void lastUseIsKeptAcrossRestarts(@TempDir Path dir) {
        ApiKeyStore store = store(dir);
        ApiKeyStore.Issued issued = store.create(Map.of("owner", "reader"));
        assertThat(store.lastUsed(issued.key().id())).isEmpty();

        store.authenticate(issued.secret());

        assertThat(store.lastUsed(issued.key().id())).contains(clock.instant());
        assertThat(store(dir).lastUsed(issued.key().id())).contains(clock.instant());
    }

    @Test
    void updatesKeepWhatTheyDoNotNameAndDeletionEndsTheKey(@TempDir Path dir) {
        ApiKeyStore store = store(dir);
        ApiKeyStore.Issued issued = store.create(Map.of("owner", "reader", "metadata", Map.of("team", "ml"),
                "jwe_config", Map.of("enabled", false)));

        ApiKey updated = store.update(issued.key().id(), Map.of("claims", Map.of("static", Map.of("tier", "premium"))));

        assertThat(updated.metadata()).containsEntry("team", "ml");
        assertThat(updated.jweConfig()).containsEntry("enabled", false);
        assertThat(store.authenticate(issued.secret()).orElseThrow().staticClaims()).containsEntry("tier", "premium");
        assertThat(store.delete(issued.key().id())).isTrue();
        assertThat(store.authenticate(issued.secret())).isEmpty();
        assertThat(store.delete(issued.key().id())).isFalse();
        assertThatThrownBy(() -> store.update("api-key-missing", Map.of())).isInstanceOf(UnknownApiKeyException.class);
    }

    @Test
    void anEditedFileIsReadAgainAndABrokenEditKeepsTheLastGoodVersion(@TempDir Path dir) throws Exception {
        Path file = SeedKeyFiles.copy("api_key_jwe_example.yaml", dir.resolve("keys"), "api_key_jwe_example.yaml", 0);
        ApiKeyStore store = store(dir);
        assertThat(store.authenticate("api_key_jwe_example")).isPresent();

        Files.writeString(file, Files.readString(file).replace("rate_limit: 50", "rate_limit: 75"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(store.authenticate("api_key_jwe_example").orElseThrow().staticClaims()).containsEntry("rate_limit", 75));

        Files.writeString(file, "claims: [not, a, map");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1200);
        assertThat(store.authenticate("api_key_jwe_example").orElseThrow().staticClaims()).containsEntry("rate_limit", 75);
        assertThat(List.of(store.list().size())).containsExactly(1);
    }
}
