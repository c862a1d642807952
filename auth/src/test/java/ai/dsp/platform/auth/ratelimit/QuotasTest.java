package ai.dsp.platform.auth.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuotasTest {

    private final Quotas quotas = new Quotas(new RateLimitProperties(true, 60, Map.of("admin", 600, "user", 120), null));

    @Test
    void anApiKeysCallsCountAgainstTheKeyWhoeverTheTokenNames() {
        Quota quota = quotas.of(Map.of("sub", "svc-reports", "api_key_id", "k-42", "rate_limit", 200L, "roles", List.of("admin")));

        assertThat(quota).isEqualTo(new Quota("key:k-42", Quota.Kind.KEY, 200));
    }

    @Test
    void aUsersCallsCountAgainstTheUser() {
        assertThat(quotas.of(Map.of("sub", "alice", "rate_limit", 20L))).isEqualTo(new Quota("user:alice", Quota.Kind.USER, 20));
    }

    @Test
    void theClaimWinsOverTheRoleDefaults() {
        assertThat(quotas.of(Map.of("sub", "alice", "rate_limit", 5, "roles", List.of("admin"))).perMinute()).isEqualTo(5);
        assertThat(quotas.of(Map.of("sub", "alice", "rate_limit", "7", "roles", List.of("admin"))).perMinute()).isEqualTo(7);
    }

    @Test
    void withoutAUsableClaimTheHighestRoleDefaultApplies() {
        assertThat(quotas.of(Map.of("sub", "alice", "roles", List.of("user", "admin"))).perMinute()).isEqualTo(600);
        assertThat(quotas.of(Map.of("sub", "alice", "rate_limit", 0, "roles", List.of("user"))).perMinute()).isEqualTo(120);
        assertThat(quotas.of(Map.of("sub", "alice", "rate_limit", "lots", "roles", List.of("user"))).perMinute()).isEqualTo(120);
    }

    @Test
    void withoutAClaimOrAKnownRoleTheDefaultApplies() {
        assertThat(quotas.of(Map.of("sub", "alice", "roles", List.of("auditor"))).perMinute()).isEqualTo(60);
        assertThat(quotas.of(Map.of("sub", "alice")).perMinute()).isEqualTo(60);
    }
}
