package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.InvalidTokenException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Issues, verifies, refreshes and revokes the platform's tokens (nimbus-jose-jwt). Every token
 * carries {@code iss}, {@code aud}, {@code sub}, {@code iat}, {@code nbf}, {@code exp},
 * {@code jti} and the seed's {@code type}; every one received must carry and pass them all.
 * A refresh token is used once: refreshing revokes it, and presenting it again revokes its whole
 * family (every refresh token descended from the same login), as a stolen copy would be.
 */
public final class TokenService {

    /** Larger tokens are refused before parsing. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    static final String TYPE = "type";
    static final String FRESH = "fresh";
    static final String FAMILY = "fam";
    static final String EXP_HOURS = "exp_hours";
    /** Claims the platform sets; nothing a caller or an API key supplies may replace them. */
    public static final Set<String> RESERVED = Set.of("iss", "aud", "sub", "exp", "iat", "nbf", "jti", TYPE, FRESH, FAMILY);
    private static final Set<String> REQUIRED = Set.of("sub", "iat", "exp", "nbf", "jti", TYPE);

    /** How often the key file is checked for a rotation made by another replica. */
    static final Duration KEY_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final AuthProperties properties;
    private final Revocations revocations;
    private final Clock clock;
    /** The keys and the processor built on them, swapped together on a rotation. */
    private volatile Verification verification;
    private volatile long nextKeyCheck;

    private record Verification(SigningKeys keys, DefaultJWTProcessor<SecurityContext> processor) {
    }

    public TokenService(SigningKeys keys, AuthProperties properties, Revocations revocations, Clock clock) {
        this.properties = properties;
        this.revocations = revocations;
        this.clock = clock;
        this.verification = new Verification(keys, processor(keys, properties));
        this.nextKeyCheck = System.nanoTime() + KEY_CHECK_INTERVAL.toNanos();
    }

    /** A new signing key (the previous one still verifies, older ones are retired); returns the new key's id. */
    public synchronized String rotateKeys() {
        SigningKeys rotated = verification.keys().rotate();
        verification = new Verification(rotated, processor(rotated, properties));
        return rotated.current().getKeyID();
    }

    /** The current keys, read again at most every second when another replica rotated them. */
    private Verification verification() {
        long now = System.nanoTime();
        if (now - nextKeyCheck > 0) {
            synchronized (this) {
                if (now - nextKeyCheck > 0) {
                    nextKeyCheck = now + KEY_CHECK_INTERVAL.toNanos();
                    SigningKeys current = verification.keys().reloaded();
                    if (current != verification.keys()) {
                        verification = new Verification(current, processor(current, properties));
                    }
                }
            }
        }
        return verification;
    }

    /** Tokens for {@code subject} with the given claims (reserved names are ignored; {@code exp_hours} sets the access lifetime). */
    public IssuedTokens issue(String subject, Map<String, Object> claims) {
        return issue(subject, claims, UUID.randomUUID().toString(), true);
    }

    /**
     * New tokens for a refresh token, which is spent. A refresh token presented a second time is
     * a copy in someone else's hands: its family is revoked and the call refused.
     */
    public IssuedTokens refresh(String refreshToken) {
        VerifiedToken spent;
        try {
            spent = verify(refreshToken, TokenType.REFRESH);
        } catch (InvalidTokenException e) {
            if ("revoked".equals(e.reason())) {
                revokeFamilyOf(refreshToken);
            }
            throw e;
        }
        revocations.revoke(spent.jti(), spent.expiresAt());
        Map<String, Object> claims = new LinkedHashMap<>(spent.claims());
        claims.keySet().removeAll(RESERVED);
        claims.remove("aud");
        return issue(spent.subject(), claims, (String) spent.claims().get(FAMILY), false);
    }

    /** Checks a token completely; {@code expected} is the type the caller wants (access for an API call). */
    public VerifiedToken verify(String token, TokenType expected) {
        JWTClaimsSet claims = process(token);
        String type = String.valueOf(claims.getClaim(TYPE));
        if (!expected.wire().equals(type)) {
            throw new InvalidTokenException("wrong token type", "a " + type + " token where a " + expected.wire() + " token was expected");
        }
        Object family = claims.getClaim(FAMILY);
        if (revocations.isRevoked(claims.getJWTID()) || (family != null && revocations.isRevoked(familyKey(family.toString())))) {
            throw new InvalidTokenException("revoked", "token " + claims.getJWTID() + " is revoked");
        }
        return new VerifiedToken(claims.getSubject(), expected, claims.getJWTID(), claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant(), claims.getClaims(), headerOf(token));
    }

    /** Revokes a token the caller holds (any type, still valid or not yet expired). */
    public VerifiedToken revoke(String token) {
        JWTClaimsSet claims = process(token);
        revocations.revoke(claims.getJWTID(), claims.getExpirationTime().toInstant());
        return new VerifiedToken(claims.getSubject(), TokenType.valueOf(String.valueOf(claims.getClaim(TYPE)).toUpperCase()),
                claims.getJWTID(), claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant(), claims.getClaims(),
                headerOf(token));
    }

    /** Revokes a token by its id alone (an administrator's action): kept as long as the longest token lives. */
    public void revokeId(String jti) {
        revocations.revoke(jti, clock.instant().plus(longestLifetime()));
    }

    public JWKSet publicKeys() {
        return verification().keys().publicKeys();
    }

    public AuthProperties properties() {
        return properties;
    }

    private IssuedTokens issue(String subject, Map<String, Object> claims, String family, boolean fresh) {
        Instant now = clock.instant();
        Map<String, Object> custom = new LinkedHashMap<>(claims);
        custom.keySet().removeAll(RESERVED);
        Duration accessLifetime = accessLifetime(custom.remove(EXP_HOURS));
        String access = sign(subject, custom, now, now.plus(accessLifetime), TokenType.ACCESS, family, fresh);
        String refresh = sign(subject, custom, now, now.plus(properties.refreshTokenTtl()), TokenType.REFRESH, family, false);
        return new IssuedTokens(access, refresh, now.plus(accessLifetime));
    }

    private String sign(String subject, Map<String, Object> custom, Instant now, Instant expires, TokenType type, String family,
                        boolean fresh) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        custom.forEach(claims::claim);
        claims.issuer(properties.issuer()).audience(properties.audience()).subject(subject)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString()).claim(TYPE, type.wire()).claim(FRESH, fresh).claim(FAMILY, family);
        SigningKeys keys = verification().keys();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(keys.algorithm()).type(JOSEObjectType.JWT)
                .keyID(keys.current().getKeyID()).build(), claims.build());
        try {
            jwt.sign(keys.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private JWTClaimsSet process(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("missing", "no token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("invalid", "a token of " + token.length() + " characters");
        }
        try {
            return verification().processor().process(token, null);
        } catch (BadJWTException e) {
            throw new InvalidTokenException(timeReason(e.getMessage()), e.getMessage());
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidTokenException("invalid", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void revokeFamilyOf(String refreshToken) {
        try {
            Object family = process(refreshToken).getClaim(FAMILY);
            if (family != null) {
                revocations.revoke(familyKey(family.toString()), clock.instant().plus(properties.refreshTokenTtl()));
            }
        } catch (InvalidTokenException ignored) {
            // not a token of ours: there is no family to protect
        }
    }

    private static String familyKey(String family) {
        return "family:" + family;
    }

    private Duration accessLifetime(Object expHours) {
        if (expHours instanceof Number hours && hours.doubleValue() > 0) {
            return Duration.ofSeconds(Math.round(hours.doubleValue() * 3600));
        }
        return properties.accessTokenTtl();
    }

    private Duration longestLifetime() {
        return properties.refreshTokenTtl().compareTo(properties.accessTokenTtl()) > 0
                ? properties.refreshTokenTtl() : properties.accessTokenTtl();
    }

    private static String timeReason(String message) {
        if (message != null && message.startsWith("Expired")) {
            return "expired";
        }
        if (message != null && message.contains("before use time")) {
            return "not yet valid";
        }
        return "invalid";
    }

    private static Map<String, Object> headerOf(String token) {
        try {
            return SignedJWT.parse(token).getHeader().toJSONObject();
        } catch (ParseException e) {
            return Map.of();
        }
    }

    private static DefaultJWTProcessor<SecurityContext> processor(SigningKeys keys, AuthProperties properties) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        // the algorithm is pinned: alg=none, HS/RS confusion and any other alg are refused; the
        // keys are ours alone, so jku, x5u and embedded jwk headers are never followed
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(keys.algorithm(), new ImmutableJWKSet<>(new JWKSet(List.copyOf(keys.all())))));
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(properties.audience(),
                new JWTClaimsSet.Builder().issuer(properties.issuer()).build(), new HashSet<>(REQUIRED));
        verifier.setMaxClockSkew((int) properties.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(verifier);
        return processor;
    }
}
