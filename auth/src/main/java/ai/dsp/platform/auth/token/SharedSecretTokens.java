package ai.dsp.platform.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived tokens for a service that checks HMAC-signed JWTs with a secret it shares with us
 * (the seed's RAG service does, with its {@code jwt_secret_key}): the Front Door calls such a
 * service as the caller, never with the caller's own token. The platform's own tokens are signed
 * by {@link TokenService} with its keys; these are only for the service that shares the secret.
 */
public final class SharedSecretTokens {

    /** What a token says: who it is for, by whom, to whom, for how long, and any other claims. */
    public record Grant(String subject, String issuer, String audience, Duration lifetime, Map<String, Object> claims) {
    }

    private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    private static final Set<String> RESERVED = Set.of("sub", "iss", "aud", "iat", "nbf", "exp", "jti");

    private final Clock clock;

    public SharedSecretTokens(Clock clock) {
        this.clock = clock;
    }

    /**
     * A JWT signed with {@code secret} by {@code algorithm} (HS256, HS384 or HS512).
     *
     * @throws IllegalArgumentException when the algorithm is not one of those or the secret is
     *                                  shorter than the algorithm needs (32, 48, 64 bytes); the
     *                                  message never contains the secret
     */
    public String sign(String secret, String algorithm, Grant grant) {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm == null || algorithm.isBlank() ? "HS256" : algorithm.strip());
        if (!HMAC.contains(alg)) {
            throw new IllegalArgumentException("algorithm " + alg + " is not a shared-secret (HMAC) algorithm: HS256, HS384 or HS512");
        }
        byte[] key = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        // RFC 7518 3.2: a key at least as long as the hash (HS256: 32 bytes)
        int needed = Integer.parseInt(alg.getName().substring(2)) / 8;
        if (key.length < needed) {
            throw new IllegalArgumentException(alg + " needs a secret of at least " + needed + " bytes; this one has " + key.length);
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        grant.claims().forEach((name, value) -> {
            if (!RESERVED.contains(name)) {
                claims.claim(name, value);
            }
        });
        claims.subject(grant.subject()).issuer(grant.issuer()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(grant.lifetime()))).jwtID(UUID.randomUUID().toString());
        if (grant.audience() != null && !grant.audience().isBlank()) {
            claims.audience(grant.audience());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the token could not be signed with " + alg);
        }
        return jwt.serialize();
    }
}
