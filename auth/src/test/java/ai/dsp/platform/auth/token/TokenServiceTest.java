package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.InvalidTokenException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenServiceTest {

    private static final Map<String, Object> ADMIN = Map.of("name", "Administrator", "groups", List.of("administrators"),
            "roles", List.of("admin", "user"));

    @TempDir
    Path state;

    private AuthProperties properties;
    private SigningKeys keys;
    private TokenService tokens;

    @BeforeEach
    void rs256() {
        properties = properties("RS256", null);
        keys = SigningKeys.open("RS256", state, null);
        tokens = service(keys, properties, Clock.systemUTC());
    }

    @Test
    void anIssuedAccessTokenCarriesTheStandardClaimsAndVerifies() throws Exception {
        IssuedTokens issued = tokens.issue("admin", ADMIN);
        SignedJWT jwt = SignedJWT.parse(issued.accessToken());

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.current().getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("dsp-ai-platform");
        assertThat(claims.getAudience()).containsExactly("dsp-ai-platform");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant())).isEqualTo(Duration.ofHours(1));
        assertThat(claims.getClaim("type")).isEqualTo("access");
        assertThat(claims.getClaim("fresh")).isEqualTo(true);

        VerifiedToken verified = tokens.verify(issued.accessToken(), TokenType.ACCESS);
        assertThat(verified.subject()).isEqualTo("admin");
        assertThat(verified.claims().get("roles")).isEqualTo(List.of("admin", "user"));
    }

    @Test
    void claimsCannotReplaceReservedOnesAndExpHoursSetsTheAccessLifetime() throws Exception {
        IssuedTokens issued = tokens.issue("alice", Map.of("sub", "root", "iss", "evil", "exp", 99, "jti", "fixed",
                "type", "refresh", "exp_hours", 24, "tier", "enterprise"));
        JWTClaimsSet claims = SignedJWT.parse(issued.accessToken()).getJWTClaimsSet();

        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getIssuer()).isEqualTo("dsp-ai-platform");
        assertThat(claims.getJWTID()).isNotEqualTo("fixed");
        assertThat(claims.getClaim("type")).isEqualTo("access");
        assertThat(claims.getClaim("tier")).isEqualTo("enterprise");
        assertThat(claims.getClaims()).doesNotContainKey("exp_hours");
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant())).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aRefreshTokenIsNoAccessTokenAndTheReverse() {
        IssuedTokens issued = tokens.issue("admin", ADMIN);

        assertRefused(() -> tokens.verify(issued.refreshToken(), TokenType.ACCESS), "wrong token type");
        assertRefused(() -> tokens.verify(issued.accessToken(), TokenType.REFRESH), "wrong token type");
    }

    @Test
    void refreshingSpendsTheRefreshTokenAndReusingItRevokesItsFamily() {
        IssuedTokens login = tokens.issue("admin", ADMIN);
        IssuedTokens renewed = tokens.refresh(login.refreshToken());

        assertThat(tokens.verify(renewed.accessToken(), TokenType.ACCESS).claims().get("fresh")).isEqualTo(false);
        assertThat(tokens.verify(renewed.accessToken(), TokenType.ACCESS).claims().get("roles")).isEqualTo(List.of("admin", "user"));
        // the spent token again: someone holds a copy, so every descendant is revoked
        assertRefused(() -> tokens.refresh(login.refreshToken()), "revoked");
        assertRefused(() -> tokens.refresh(renewed.refreshToken()), "revoked");
    }

    @Test
    void aRevokedTokenIsRefusedByTokenAndById() {
        IssuedTokens first = tokens.issue("admin", ADMIN);
        IssuedTokens second = tokens.issue("admin", ADMIN);

        tokens.revoke(first.accessToken());
        tokens.revokeId(tokens.verify(second.accessToken(), TokenType.ACCESS).jti());

        assertRefused(() -> tokens.verify(first.accessToken(), TokenType.ACCESS), "revoked");
        assertRefused(() -> tokens.verify(second.accessToken(), TokenType.ACCESS), "revoked");
    }

    @Test
    void aTokenVerifiedBeforeStillExpiresOnTime() throws Exception {
        AuthProperties noSkew = new AuthProperties(true, null, null, "RS256", null, null, null, Duration.ZERO, null, null, null, null, null,
                null, null, null);
        TokenService strict = service(keys, noSkew, Clock.systemUTC());
        // exp is in whole seconds: a one-second token can have next to no life left by its first verify on a loaded machine
        String oneSecond = strict.issue("admin", Map.of("exp_hours", 3.0 / 3600)).accessToken();

        assertThat(strict.verify(oneSecond, TokenType.ACCESS).subject()).isEqualTo("admin");
        Thread.sleep(4000);

        assertRefused(() -> strict.verify(oneSecond, TokenType.ACCESS), "expired");
    }

    @Test
    void anExpiredTokenIsReportedAsExpiredAndOneNotYetValidAsSuch() {
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        TokenService past = service(keys, properties, Clock.fixed(twoHoursAgo, ZoneOffset.UTC));
        TokenService future = service(keys, properties, Clock.fixed(Instant.now().plus(Duration.ofMinutes(5)), ZoneOffset.UTC));

        assertRefused(() -> tokens.verify(past.issue("admin", ADMIN).accessToken(), TokenType.ACCESS), "expired");
        assertRefused(() -> tokens.verify(future.issue("admin", ADMIN).accessToken(), TokenType.ACCESS), "not yet valid");
    }

    @Test
    void forgedTokensAreRefused() throws Exception {
        String valid = tokens.issue("admin", ADMIN).accessToken();
        SignedJWT parsed = SignedJWT.parse(valid);
        JWTClaimsSet claims = parsed.getJWTClaimsSet();

        // alg=none, in any spelling
        assertRefused(() -> tokens.verify(new PlainJWT(claims).serialize(), TokenType.ACCESS), "invalid");
        String[] parts = valid.split("\\.");
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String header = Base64URL.encode("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}").toString();
            assertRefused(() -> tokens.verify(header + "." + parts[1] + ".", TokenType.ACCESS), "invalid");
        }
        // key confusion: HS256 signed with the RSA public key's bytes
        RSAKey publicKey = ((RSAKey) keys.current()).toPublicJWK();
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(), claims);
        confused.sign(new MACSigner(publicKey.toRSAPublicKey().getEncoded()));
        assertRefused(() -> tokens.verify(confused.serialize(), TokenType.ACCESS), "invalid");
        // tampered payload, stripped signature
        String tampered = parts[0] + "." + Base64URL.encode(claims.toString().replace("\"admin\"", "\"root\"")) + "." + parts[2];
        assertRefused(() -> tokens.verify(tampered, TokenType.ACCESS), "invalid");
        assertRefused(() -> tokens.verify(parts[0] + "." + parts[1] + ".", TokenType.ACCESS), "invalid");
        // another key, announced by kid, jku, x5u or an embedded jwk: never trusted
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(publicKey.getKeyID()).generate();
        for (JWSHeader header : List.of(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("../../../etc/passwd").build(),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(publicKey.getKeyID()).jwkURL(URI.create("https://attacker.example/jwks")).build(),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(publicKey.getKeyID()).x509CertURL(URI.create("https://attacker.example/x5u")).build(),
                new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(attacker.toPublicJWK()).build())) {
            SignedJWT forged = new SignedJWT(header, claims);
            forged.sign(new RSASSASigner(attacker));
            assertRefused(() -> tokens.verify(forged.serialize(), TokenType.ACCESS), "invalid");
        }
        // unknown critical header
        SignedJWT critical = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(publicKey.getKeyID())
                .criticalParams(java.util.Set.of("dsp-unknown")).customParam("dsp-unknown", 1).build(), claims);
        critical.sign(keys.signer());
        assertRefused(() -> tokens.verify(critical.serialize(), TokenType.ACCESS), "invalid");
    }

    @Test
    void wrongIssuerOrAudienceOrMissingExpIsRefused() throws Exception {
        JWTClaimsSet good = SignedJWT.parse(tokens.issue("admin", ADMIN).accessToken()).getJWTClaimsSet();
        for (JWTClaimsSet claims : List.of(
                new JWTClaimsSet.Builder(good).issuer("someone-else").build(),
                new JWTClaimsSet.Builder(good).audience("another-service").build(),
                new JWTClaimsSet.Builder(good).expirationTime(null).build(),
                new JWTClaimsSet.Builder(good).jwtID(null).build())) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.current().getKeyID()).build(), claims);
            jwt.sign(keys.signer());
            assertRefused(() -> tokens.verify(jwt.serialize(), TokenType.ACCESS), "invalid");
        }
    }

    @Test
    void aTokenOver8KbIsRefusedUnparsed() {
        String huge = "a".repeat(TokenService.MAX_TOKEN_LENGTH + 1);

        assertRefused(() -> tokens.verify(huge, TokenType.ACCESS), "invalid");
    }

    @Test
    void keysSurviveARestartAndTokensOfTheOtherAlgorithmsVerify() throws Exception {
        String issued = tokens.issue("admin", ADMIN).accessToken();
        TokenService restarted = service(SigningKeys.open("RS256", state, null), properties, Clock.systemUTC());
        assertThat(restarted.verify(issued, TokenType.ACCESS).subject()).isEqualTo("admin");
        assertThat(state.resolve(SigningKeys.KEY_FILE)).satisfies(file ->
                assertThat(java.nio.file.Files.getPosixFilePermissions(file)).extracting(Object::toString)
                        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE"));
        assertThat(restarted.publicKeys().getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());

        TokenService es256 = service(SigningKeys.open("ES256", state.resolve("es"), null), properties("ES256", null), Clock.systemUTC());
        assertThat(es256.verify(es256.issue("bob", Map.of()).accessToken(), TokenType.ACCESS).subject()).isEqualTo("bob");

        String secret = "0123456789abcdef0123456789abcdef";
        TokenService hs256 = service(SigningKeys.open("HS256", state, secret), properties("HS256", secret), Clock.systemUTC());
        String hsToken = hs256.issue("carol", Map.of()).accessToken();
        assertThat(hs256.verify(hsToken, TokenType.ACCESS).subject()).isEqualTo("carol");
        // HS256 publishes no signing key, only the encryption key
        assertThat(hs256.publicKeys().getKeys()).singleElement().satisfies(k -> assertThat(k.getKeyUse()).isEqualTo(KeyUse.ENCRYPTION));
        assertThat(SignedJWT.parse(hsToken).getHeader().getKeyID()).doesNotContain(secret);
        // an RS256 service refuses an HS256 token even with a matching kid
        assertRefused(() -> tokens.verify(hsToken, TokenType.ACCESS), "invalid");
        assertThatThrownBy(() -> SigningKeys.open("HS256", state, "short"))
                .hasMessageContaining("at least 32 bytes");
        assertThat(secret.getBytes(StandardCharsets.UTF_8)).hasSize(32);
    }

    @Test
    void aRotationKeepsThePreviousKeyVerifyingRetiresTheOneBeforeAndReachesOtherReplicas() throws Exception {
        TokenService replica = service(SigningKeys.open("RS256", state, null), properties, Clock.systemUTC());
        String first = tokens.issue("admin", ADMIN).accessToken();
        String firstKid = SignedJWT.parse(first).getHeader().getKeyID();

        String secondKid = tokens.rotateKeys();
        String second = tokens.issue("admin", ADMIN).accessToken();

        assertThat(secondKid).isNotEqualTo(firstKid);
        assertThat(SignedJWT.parse(second).getHeader().getKeyID()).isEqualTo(secondKid);
        assertThat(tokens.verify(first, TokenType.ACCESS).subject()).isEqualTo("admin");
        assertThat(tokens.publicKeys().getKeys()).filteredOn(k -> KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .extracting(com.nimbusds.jose.jwk.JWK::getKeyID).containsExactly(secondKid, firstKid);
        // the other replica reads the rotated file within a second
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .untilAsserted(() -> assertThat(replica.verify(second, TokenType.ACCESS).subject()).isEqualTo("admin"));

        tokens.rotateKeys();
        assertRefused(() -> tokens.verify(first, TokenType.ACCESS), "invalid");
        assertThat(tokens.verify(second, TokenType.ACCESS).subject()).isEqualTo("admin");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertRefused(() -> replica.verify(first, TokenType.ACCESS), "invalid"));
    }

    /** A service on {@code keys} with the encryption key of the test's state folder and no dir keys. */
    private TokenService service(SigningKeys keys, AuthProperties properties, Clock clock) {
        return new TokenService(keys, new JweCodec(EncryptionKey.open(state), DirectKeys.NONE), properties,
                new InMemoryRevocations(Clock.systemUTC()), clock);
    }

    private static AuthProperties properties(String algorithm, String secret) {
        return AuthProperties.defaults(algorithm, secret);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOf(InvalidTokenException.class)
                .satisfies(e -> assertThat(((InvalidTokenException) e).reason()).isEqualTo(reason));
    }
}
