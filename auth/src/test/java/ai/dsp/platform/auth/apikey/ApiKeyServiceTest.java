package ai.dsp.platform.auth.apikey;

import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.user.PasswordHashes;
import ai.dsp.platform.auth.user.UserAccount;
import ai.dsp.platform.auth.user.UserDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyServiceTest {

    private static final UserAccount ALICE = new UserAccount("alice", "Alice", "alice@example.com", List.of("staff"), List.of("user"));

    private ApiKeyService service(Path dir) throws Exception {
        Path users = dir.resolve("users.yaml");
        Files.writeString(users, """
                alice:
                  password: "%s"
                  groups: [staff]
                  roles: [user]
                """.formatted(PasswordHashes.encoder().encode("alice-password")));
        ApiKeyStore store = new ApiKeyStore(dir.resolve("keys"), null, Duration.ofHours(1), Clock.systemUTC());
        DynamicClaims dynamic = new DynamicClaims(ClaimFunctions.builtIn(Clock.systemUTC()),
                new ClaimApiCalls(List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC()), new ClaimFormulas(), null);
        return new ApiKeyService(store, dynamic, new UserDirectory(users, PasswordHashes.encoder()), Clock.systemUTC(), Duration.ofMinutes(1));
    }

    @Test
    void aKeysClaimsFollowTheUsersAndNeverReplaceIdentityOrGrantRoles(@TempDir Path dir) throws Exception {
        SeedKeyFiles.copy("api_key_jwe_example.yaml", dir.resolve("keys"), "api_key_jwe_example.yaml", 0);
        ApiKeyService service = service(dir);

        ApiKeyService.Grant grant = service.forLogin(ALICE, "api_key_jwe_example", null, Map.of());

        assertThat(grant.subject()).isEqualTo("alice");
        assertThat(grant.claims()).doesNotContainKey("sub")
                .containsEntry("roles", List.of("user"))
                .containsEntry("groups", List.of("staff"))
                .containsEntry("rate_limit", 50)
                .containsEntry("key", "api-key-jwe-001")
                .containsEntry("api_key_id", "api-key-jwe-001")
                .containsEntry("quota", Map.of("remaining_tokens", 5000L, "reset_date", java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                        .withDayOfMonth(1).plusMonths(1).toString()));
        assertThat(grant.jweConfig()).containsEntry("encryption", "A256GCM");
    }

    @Test
    void anUnknownKeyIsRefusedAndNoKeyGetsTheBaseClaimsWithoutAKeyId(@TempDir Path dir) throws Exception {
        SeedKeyFiles.copy("base_api_key.yaml", dir.resolve("keys"), "base_api_key.yaml", 0);
        ApiKeyService service = service(dir);

        assertThatThrownBy(() -> service.forLogin(ALICE, "guessed", null, Map.of()))
                .isInstanceOf(AuthenticationFailedException.class).hasMessage("Invalid API key");
        ApiKeyService.Grant base = service.forLogin(ALICE, null, null, Map.of());
        assertThat(base.claims()).containsEntry("rate_limit", 20).containsEntry("tier", "standard").containsKey("usage")
                .doesNotContainKey("api_key_id");
    }

    @Test
    void anInlineConfigWinsAndIsBoundByTheSameRules(@TempDir Path dir) throws Exception {
        SeedKeyFiles.copy("api_key_jwe_example.yaml", dir.resolve("keys"), "api_key_jwe_example.yaml", 0);
        ApiKeyService service = service(dir);

        ApiKeyService.Grant grant = service.forLogin(ALICE, "api_key_jwe_example",
                Map.of("claims", Map.of("static", Map.of("tier", "inline", "exp", 99, "roles", List.of("admin")))), Map.of());

        assertThat(grant.claims()).containsEntry("tier", "inline").containsEntry("roles", List.of()).containsEntry("api_key_id", "inline_config")
                .doesNotContainKeys("exp", "rate_limit");
    }

    @Test
    void anXApiKeyCallerIsTheOwnerNarrowedByTheKey(@TempDir Path dir) throws Exception {
        ApiKeyService service = service(dir);
        ApiKeyStore.Issued owned = service.store().create(Map.of("owner", "alice",
                "claims", Map.of("static", Map.of("rate_limit", 7, "groups", List.of("staff", "administrators")))));
        ApiKeyStore.Issued orphan = service.store().create(Map.of("owner", "security-team",
                "claims", Map.of("static", Map.of("roles", List.of("admin")))));

        ApiKeyService.Grant alice = service.forKey(owned.secret());
        ApiKeyService.Grant team = service.forKey(orphan.secret());

        assertThat(alice.subject()).isEqualTo("alice");
        assertThat(alice.claims()).containsEntry("groups", List.of("staff")).containsEntry("roles", List.of("user")).containsEntry("rate_limit", 7);
        assertThat(team.subject()).isEqualTo(orphan.key().id());
        assertThat(team.claims()).containsEntry("roles", List.of()).containsEntry("groups", List.of());
        assertThatThrownBy(() -> service.forKey("dsp_guess")).isInstanceOf(AuthenticationFailedException.class);
    }
}
