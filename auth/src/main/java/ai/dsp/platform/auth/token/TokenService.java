package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.Digests;
import ai.dsp.platform.auth.InvalidTokenException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
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
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues, verifies, refreshes and revokes the platform's tokens (nimbus-jose-jwt). Every token
 * carries {@code iss}, {@code aud}, {@code sub}, {@code iat}, {@code nbf}, {@code exp},
 * {@code jti} and the seed's {@code type}; every one received must carry and pass them all.
 * A refresh token is used once: refreshing revokes it, and presenting it again revokes its whole
 * family (every refresh token descended from the same login), as a stolen copy would be.
 * A JWE wrapping one of our signed JWTs ({@link JweCodec}) is accepted wherever the JWT is.
 */
public final class TokenService {

    /** Larger tokens are refused before parsing. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /** Verified tokens remembered; more start the memory afresh. */
    static final int MAX_VERIFIED = 10_000;
    static final String TYPE = "type";
    static final String FRESH = "fresh";
    static final String FAMILY = "fam";
    static final String EXP_HOURS = "exp_hours";
    /** The id of the API key a token was issued for: set by the platform, kept on refresh. */
    public static final String API_KEY_ID = "api_key_id";
    /** The seed's claim naming the API key; a {@code dir} JWE names its key with it in {@code kid}. */
    static final String KEY = "key";
    /** Claims the platform sets; nothing a caller or an API key supplies may replace them. */
    public static final Set<String> RESERVED = Set.of("iss", "aud", "sub", "exp", "iat", "nbf", "jti", TYPE, FRESH, FAMILY, API_KEY_ID);
    private static final Set<String> REQUIRED = Set.of("sub", "iat", "exp", "nbf", "jti", TYPE);

    /** How often the key file is checked for a rotation made by another replica. */
    static final Duration KEY_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final JweCodec jwe;
    private final AuthProperties properties;
    private final Revocations revocations;
    private final Clock clock;
    /** The keys and the processor built on them, swapped together on a rotation. */
    private volatile Verification verification;
    private volatile long nextKeyCheck;

    private record Verification(SigningKeys keys, DefaultJWTProcessor<SecurityContext> processor) {
    }

    /** A token's checked claims and its JWS header; {@code jwe} is how it came wrapped, null for a bare JWT. */
    /** A token verified before, good until {@code validUntil} as long as the keys it was checked with are the current ones. */
    private record Verified(Checked checked, Verification verification, Instant validUntil) {
    }

    /** Tokens verified recently, by their SHA-256 (a client sends the same token on every call until it expires). */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Checked(JWTClaimsSet claims, Map<String, Object> header, JweCodec.Opened jwe) {
    }

    /** How new tokens are wrapped: the settings and the header's kid. */
    private record Wrapping(JweSettings settings, String kid) {
    }

    public TokenService(SigningKeys keys, JweCodec jwe, AuthProperties properties, Revocations revocations, Clock clock) {
        this.jwe = jwe;
        this.properties = properties;
        this.revocations = revocations;
        this.clock = clock;
        this.verification = new Verification(keys, processor(keys, properties));
        this.nextKeyCheck = System.nanoTime() + KEY_CHECK_INTERVAL.toNanos();
    }

    /**
     * The service on the keys in {@code properties.stateDir()} (made there at first start):
     * the signing keys of {@code properties.algorithm()} and the RSA-OAEP-256 encryption key.
     */
    public static TokenService open(AuthProperties properties, DirectKeys directKeys, Revocations revocations, Clock clock) {
        SigningKeys keys = SigningKeys.open(properties.algorithm(), properties.stateDir(), properties.hmacSecret());
        JweCodec codec = new JweCodec(EncryptionKey.open(properties.stateDir()), directKeys);
        return new TokenService(keys, codec, properties, revocations, clock);
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
        return issue(subject, claims, (JweSettings) null);
    }

    /**
     * As {@link #issue(String, Map)}, both tokens wrapped in a JWE when {@code jwe} is not null.
     * The header's kid is, as in the seed, the claim {@code key} for {@code dir} (none without
     * it: the platform itself can then not unwrap them, only whoever holds the key), and the
     * encryption key's id for RSA-OAEP-256.
     */
    public IssuedTokens issue(String subject, Map<String, Object> claims, JweSettings jwe) {
        return issue(subject, claims, null, jwe);
    }

    /** As {@link #issue(String, Map, JweSettings)} for an API key: {@code apiKeyId}, unless null, becomes the reserved {@code api_key_id}. */
    public IssuedTokens issue(String subject, Map<String, Object> claims, String apiKeyId, JweSettings jwe) {
        Object key = claims.get(KEY);
        Wrapping wrapping = jwe == null ? null : wrapping(jwe, key == null ? null : key.toString());
        return issue(subject, claims, apiKeyId == null ? Map.of() : Map.of(API_KEY_ID, apiKeyId), UUID.randomUUID().toString(), true,
                wrapping);
    }

    /**
     * New tokens for a refresh token, which is spent. A refresh token presented a second time is
     * a copy in someone else's hands: its family is revoked and the call refused. A refresh token
     * that came in a JWE gives tokens wrapped the same way (alg, enc, zip, kid and, for
     * {@code dir}, the key the kid found).
     */
    public IssuedTokens refresh(String refreshToken) {
        Checked spent;
        try {
            spent = checked(refreshToken, TokenType.REFRESH);
        } catch (InvalidTokenException e) {
            if ("revoked".equals(e.reason())) {
                revokeFamilyOf(refreshToken);
            }
            throw e;
        }
        JWTClaimsSet claims = spent.claims();
        revocations.revoke(claims.getJWTID(), claims.getExpirationTime().toInstant());
        Map<String, Object> custom = new LinkedHashMap<>(claims.getClaims());
        custom.keySet().removeAll(RESERVED);
        Map<String, Object> carried = claims.getClaim(API_KEY_ID) == null ? Map.of() : Map.of(API_KEY_ID, claims.getClaim(API_KEY_ID));
        Wrapping wrapping = spent.jwe() == null ? null : wrapping(spent.jwe().settings(), spent.jwe().kid());
        return issue(claims.getSubject(), custom, carried, (String) claims.getClaim(FAMILY), false, wrapping);
    }

    /** Checks a token completely; {@code expected} is the type the caller wants (access for an API call). */
    public VerifiedToken verify(String token, TokenType expected) {
        Checked checked = checked(token, expected);
        return verified(checked.claims(), expected, checked.header());
    }

    /** Revokes a token the caller holds (any type, still valid or not yet expired). */
    public VerifiedToken revoke(String token) {
        Checked checked = process(token);
        JWTClaimsSet claims = checked.claims();
        revocations.revoke(claims.getJWTID(), claims.getExpirationTime().toInstant());
        return verified(claims, TokenType.valueOf(String.valueOf(claims.getClaim(TYPE)).toUpperCase()), checked.header());
    }

    /** Revokes a token by its id alone (an administrator's action): kept as long as the longest token lives. */
    public void revokeId(String jti) {
        revocations.revoke(jti, clock.instant().plus(longestLifetime()));
    }

    /** What {@code /.well-known/jwks.json} publishes: the signing keys' public halves and the encryption key's ({@code use: enc}). */
    public JWKSet publicKeys() {
        List<JWK> published = new ArrayList<>(verification().keys().publicKeys().getKeys());
        published.add(jwe.publicKey());
        return new JWKSet(published);
    }

    public AuthProperties properties() {
        return properties;
    }

    /** {@code platform} holds reserved claims the platform itself carries (an API key's id); they win over {@code claims}. */
    private IssuedTokens issue(String subject, Map<String, Object> claims, Map<String, Object> platform, String family, boolean fresh,
                               Wrapping wrapping) {
        Instant now = clock.instant();
        Map<String, Object> custom = new LinkedHashMap<>(claims);
        custom.keySet().removeAll(RESERVED);
        Duration accessLifetime = accessLifetime(custom.remove(EXP_HOURS));
        custom.putAll(platform);
        String access = wrapped(sign(subject, custom, now, now.plus(accessLifetime), TokenType.ACCESS, family, fresh), wrapping);
        String refresh = wrapped(sign(subject, custom, now, now.plus(properties.refreshTokenTtl()), TokenType.REFRESH, family, false),
                wrapping);
        return new IssuedTokens(access, refresh, now.plus(accessLifetime));
    }

    private String wrapped(String signed, Wrapping wrapping) {
        return wrapping == null ? signed : jwe.encrypt(signed, wrapping.settings(), wrapping.kid());
    }

    /** RSA-OAEP-256 JWEs name the platform's encryption key; {@code dir} ones {@code dirKid}. */
    private Wrapping wrapping(JweSettings settings, String dirKid) {
        return new Wrapping(settings, JweSettings.RSA_OAEP_256.equals(settings.algorithm()) ? jwe.encryptionKeyId() : dirKid);
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

    private Checked checked(String token, TokenType expected) {
        Checked checked = process(token);
        JWTClaimsSet claims = checked.claims();
        String type = String.valueOf(claims.getClaim(TYPE));
        if (!expected.wire().equals(type)) {
            throw new InvalidTokenException("wrong token type", "a " + type + " token where a " + expected.wire() + " token was expected");
        }
        Object family = claims.getClaim(FAMILY);
        if (revocations.isRevoked(claims.getJWTID()) || (family != null && revocations.isRevoked(familyKey(family.toString())))) {
            throw new InvalidTokenException("revoked", "token " + claims.getJWTID() + " is revoked");
        }
        return checked;
    }

    /** The limit holds for a JWE as received; the JWT inside is checked like any other. */
    private Checked process(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("missing", "no token");
        }
        withinLimit(token);
        // the signature (and a JWE's decryption) is checked once per token and set of keys; the
        // type and the revocation are checked on every call by the callers of process
        Verification current = verification();
        String digest = Digests.sha256Hex(token);
        Verified known = verified.get(digest);
        if (known != null && known.verification() == current && clock.instant().isBefore(known.validUntil())) {
            return known.checked();
        }
        Checked checked;
        if (JweCodec.isJwe(token)) {
            JweCodec.Opened opened = jwe.open(token);
            SignedJWT inner = signed(opened.jwt());
            checked = new Checked(claims(inner), inner.getHeader().toJSONObject(), opened);
        } else {
            SignedJWT jwt = signed(token);
            checked = new Checked(claims(jwt), jwt.getHeader().toJSONObject(), null);
        }
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        // what the claims verifier accepted until exp (and its clock skew) stays accepted until then
        verified.put(digest, new Verified(checked, current, checked.claims().getExpirationTime().toInstant().plus(properties.clockSkew())));
        return checked;
    }

    /** Only a signed JWT: alg=none and a JWE inside a JWE do not parse as one. */
    private static SignedJWT signed(String token) {
        withinLimit(token);
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("invalid", "not a signed JWT: " + e.getMessage());
        }
    }

    /** Larger tokens are refused unparsed. */
    private static void withinLimit(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("invalid", "a token of " + token.length() + " characters");
        }
    }

    private JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return verification().processor().process(jwt, null);
        } catch (BadJWTException e) {
            throw new InvalidTokenException(timeReason(e.getMessage()), e.getMessage());
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidTokenException("invalid", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static VerifiedToken verified(JWTClaimsSet claims, TokenType type, Map<String, Object> header) {
        return new VerifiedToken(claims.getSubject(), type, claims.getJWTID(), claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant(), claims.getClaims(), header);
    }

    private void revokeFamilyOf(String refreshToken) {
        try {
            Object family = process(refreshToken).claims().getClaim(FAMILY);
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
