package ai.dsp.platform.auth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedSecretTokensTest {

    private static final String SECRET = "a-shared-secret-of-more-than-32-bytes-for-tests";
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final SharedSecretTokens tokens = new SharedSecretTokens(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aTokenTheSharedSecretVerifiesWithTheGrantsClaims() throws Exception {
        String token = tokens.sign(SECRET, "HS256", new SharedSecretTokens.Grant("alice", "dsp-ai-platform", "rag-service",
                Duration.ofMinutes(5), Map.of("groups", List.of("g1"), "sub", "mallory", "exp", 1)));

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
        assertThat(jwt.verify(new MACVerifier(SECRET.replace('a', 'b')))).isFalse();
        assertThat(jwt.getJWTClaimsSet().getSubject()).as("reserved claims come from the grant, not its claims").isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("dsp-ai-platform");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("rag-service");
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(300));
        assertThat(jwt.getJWTClaimsSet().getJWTID()).isNotBlank();
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("groups")).containsExactly("g1");
    }

    @Test
    void aShortSecretOrANonHmacAlgorithmIsRefusedWithoutShowingTheSecret() {
        SharedSecretTokens.Grant grant = new SharedSecretTokens.Grant("alice", "i", null, Duration.ofMinutes(1), Map.of());
        assertThatThrownBy(() -> tokens.sign("short-secret-value", "HS256", grant))
                .hasMessageContaining("at least 32 bytes").hasMessageNotContaining("short-secret-value");
        assertThatThrownBy(() -> tokens.sign(SECRET, "HS512", grant)).hasMessageContaining("at least 64 bytes");
        assertThatThrownBy(() -> tokens.sign(SECRET, "RS256", grant)).hasMessageContaining("not a shared-secret");
        assertThatThrownBy(() -> tokens.sign(SECRET, "none", grant)).hasMessageContaining("not a shared-secret");
    }
}
