package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.InvalidTokenException;
import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.AESEncrypter;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.PasswordBasedEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokens in a JWE, as the seed makes them and with RSA-OAEP-256: real nimbus crypto, no mocks. */
class JweTokenTest {

    private static final String KID = "ak_tiered_model_exec";
    private static final List<String> ENCRYPTIONS = List.of("A128GCM", "A192GCM", "A256GCM", "A128CBC-HS256", "A192CBC-HS384",
            "A256CBC-HS512");

    @TempDir
    static Path state;
    /** Made once: 3072-bit RSA keys take a while. */
    private static SigningKeys keys;
    private static EncryptionKey encryptionKey;

    /** The dir keys the service finds by kid: what the API keys will supply. */
    private final Map<String, byte[]> directKeys = new HashMap<>();
    private JweCodec codec;
    private TokenService tokens;

    @BeforeAll
    static void keys() {
        keys = SigningKeys.open("RS256", state, null);
        encryptionKey = EncryptionKey.open(state);
    }

    @BeforeEach
    void service() {
        codec = new JweCodec(encryptionKey, kid -> Optional.ofNullable(directKeys.get(kid)));
        tokens = new TokenService(keys, codec, AuthProperties.defaults("RS256", null), new InMemoryRevocations(Clock.systemUTC()),
                Clock.systemUTC());
    }

    @Test
    void everyEncRoundTripsWithAndWithoutDefForDirAndRsaOaep256() throws Exception {
        for (String enc : ENCRYPTIONS) {
            for (String alg : List.of(JweSettings.DIR, JweSettings.RSA_OAEP_256)) {
                int[] lengths = new int[2];
                for (boolean compress : List.of(false, true)) {
                    JweSettings settings = settings(alg, enc, compress);
                    IssuedTokens issued = tokens.issue("alice", claims(), settings);
                    String what = alg + " " + enc + (compress ? " DEF" : "");

                    for (String token : List.of(issued.accessToken(), issued.refreshToken())) {
                        JWEHeader header = JWEObject.parse(token).getHeader();
                        assertThat(header.getAlgorithm().getName()).as(what).isEqualTo(alg);
                        assertThat(header.getEncryptionMethod().getName()).as(what).isEqualTo(enc);
                        assertThat(header.getCompressionAlgorithm()).as(what).isEqualTo(compress ? CompressionAlgorithm.DEF : null);
                        assertThat(header.getContentType()).as("no cty, as the seed").isNull();
                    }
                    assertThat(tokens.verify(issued.accessToken(), TokenType.ACCESS).subject()).as(what).isEqualTo("alice");
                    assertThat(tokens.verify(issued.refreshToken(), TokenType.REFRESH).claims().get("tier")).as(what).isEqualTo("enterprise");
                    lengths[compress ? 1 : 0] = issued.accessToken().length();
                }
                assertThat(lengths[1]).as("DEF shrinks a compressible token (%s %s)", alg, enc).isLessThan(lengths[0] * 3 / 4);
            }
        }
    }

    @Test
    void theHeaderNamesTheKeyClaimAndThePlaintextIsTheSeedsJson() throws Exception {
        byte[] key = directKey("A256GCM");
        String dir = tokens.issue("alice", claims(), new JweSettings("dir", "A256GCM", false, key)).accessToken();
        JWEObject jwe = JWEObject.parse(dir);

        assertThat(jwe.getHeader().toJSONObject()).containsOnlyKeys("alg", "enc", "kid").containsEntry("kid", KID);
        jwe.decrypt(new DirectDecrypter(key));
        Map<String, Object> plaintext = JSONObjectUtils.parse(jwe.getPayload().toString());
        assertThat(plaintext).containsOnlyKeys("jwt");
        SignedJWT inner = SignedJWT.parse((String) plaintext.get("jwt"));
        assertThat(inner.verify(new RSASSAVerifier((RSAKey) keys.current().toPublicJWK()))).isTrue();
        assertThat(inner.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(codec.unwrap(dir)).isEqualTo(plaintext.get("jwt"));

        String rsa = tokens.issue("alice", claims(), settings("RSA-OAEP-256", "A256GCM", false)).accessToken();
        assertThat(JWEObject.parse(rsa).getHeader().getKeyID()).as("the encryption key's, for RSA").isEqualTo(encryptionKey.keyId());
        assertThat(tokens.publicKeys().getKeyByKeyId(encryptionKey.keyId())).satisfies(published -> {
            assertThat(published.isPrivate()).isFalse();
            assertThat(published.getKeyUse().identifier()).isEqualTo("enc");
            assertThat(published.getAlgorithm().getName()).isEqualTo("RSA-OAEP-256");
        });
        assertThat(Files.getPosixFilePermissions(state.resolve(EncryptionKey.KEY_FILE))).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        // without a key claim a dir JWE has no kid: whoever holds the key can open it, the platform cannot find it
        String anonymous = tokens.issue("bob", Map.of(), new JweSettings("dir", "A256GCM", false, key)).accessToken();
        assertThat(JWEObject.parse(anonymous).getHeader().getKeyID()).isNull();
        assertRefused(() -> tokens.verify(anonymous, TokenType.ACCESS));
    }

    @Test
    void theSeedsExampleKeyWorksWithA256Gcm() {
        JweSettings seed = JweSettings.fromSeedConfig(Map.of("enabled", true, "encryption_key", JweSettingsTest.SEED_KEY,
                "encryption", "A256GCM", "compression", "DEF"), name -> null).orElseThrow();
        directKeys.put(KID, Base64.getDecoder().decode(JweSettingsTest.SEED_KEY));

        assertThat(tokens.verify(tokens.issue("alice", claims(), seed).accessToken(), TokenType.ACCESS).subject()).isEqualTo("alice");
    }

    @Test
    void aWrongDirKeyAnUnknownKidOrAKeyTooShortForTheEncIsRefused() {
        directKey("A256GCM");
        String wrongKey = tokens.issue("alice", claims(), new JweSettings("dir", "A256GCM", false, random(32))).accessToken();
        String unknownKid = tokens.issue("alice", Map.of("key", "ak_nobody"), settings("dir", "A256GCM", false)).accessToken();
        // the JWE says A128GCM with a 16-byte key; the kid's key is 32 bytes
        String shortKey = tokens.issue("alice", claims(), new JweSettings("dir", "A128GCM", false, random(16))).accessToken();

        assertRefused(() -> tokens.verify(wrongKey, TokenType.ACCESS));
        assertRefused(() -> tokens.verify(unknownKid, TokenType.ACCESS));
        assertRefused(() -> tokens.verify(shortKey, TokenType.ACCESS));
        assertRefused(() -> codec.unwrap(wrongKey));
    }

    @Test
    void aJweEncryptedToAnotherRsaKeyOrNamingAnotherKidIsRefused() throws Exception {
        String jwt = tokens.issue("alice", claims()).accessToken();
        RSAKey other = new RSAKeyGenerator(2048).keyID(encryptionKey.keyId()).generate();

        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, encryptionKey.keyId(), seedPlaintext(jwt),
                new RSAEncrypter(other.toRSAPublicKey())), TokenType.ACCESS));
        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, "enc-someone-else", seedPlaintext(jwt),
                new RSAEncrypter(encryptionKey.privateKey().toRSAPublicKey())), TokenType.ACCESS));
        // to our key without a kid: fine
        String noKid = jwe(JWEAlgorithm.RSA_OAEP_256, null, seedPlaintext(jwt), new RSAEncrypter(encryptionKey.privateKey().toRSAPublicKey()));
        assertThat(tokens.verify(noKid, TokenType.ACCESS).subject()).isEqualTo("alice");
    }

    @Test
    void downgradedAlgorithmsAreRefused() throws Exception {
        String jwt = tokens.issue("alice", claims()).accessToken();
        byte[] aesKey = random(32);
        directKeys.put(KID, aesKey);
        Map<JWEAlgorithm, JWEEncrypter> downgrades = Map.of(
                JWEAlgorithm.RSA1_5, new RSAEncrypter(encryptionKey.privateKey().toRSAPublicKey()),
                JWEAlgorithm.RSA_OAEP, new RSAEncrypter(encryptionKey.privateKey().toRSAPublicKey()),
                JWEAlgorithm.A256KW, new AESEncrypter(aesKey),
                JWEAlgorithm.A256GCMKW, new AESEncrypter(aesKey),
                JWEAlgorithm.ECDH_ES, new ECDHEncrypter(new ECKeyGenerator(Curve.P_256).generate().toECPublicKey()),
                JWEAlgorithm.PBES2_HS256_A128KW, new PasswordBasedEncrypter(aesKey, 16, 1000));

        downgrades.forEach((alg, encrypter) -> {
            String forged = jweOrFail(alg, KID, seedPlaintext(jwt), encrypter);
            assertThatThrownBy(() -> tokens.verify(forged, TokenType.ACCESS)).as(alg.getName()).isInstanceOf(InvalidTokenException.class)
                    .satisfies(e -> assertThat(((InvalidTokenException) e).reason()).isEqualTo("invalid"))
                    .hasMessageContaining("only dir and RSA-OAEP-256");
        });
    }

    @Test
    void aChangedEncTamperedPartsAndUnknownCritAreRefused() throws Exception {
        String token = tokens.issue("alice", claims(), new JweSettings("dir", "A256GCM", false, directKey("A256GCM"))).accessToken();
        String[] parts = token.split("\\.", -1);
        assertThat(tokens.verify(token, TokenType.ACCESS).subject()).isEqualTo("alice");

        for (String enc : List.of("A128GCM", "A256CBC-HS512", "A128CBC-HS256")) {
            String header = Base64URL.encode("{\"alg\":\"dir\",\"enc\":\"" + enc + "\",\"kid\":\"" + KID + "\"}").toString();
            assertRefused(() -> tokens.verify(header + token.substring(token.indexOf('.')), TokenType.ACCESS));
        }
        for (int part : new int[] {2, 3, 4}) {
            String[] tampered = parts.clone();
            char first = tampered[part].charAt(0);
            tampered[part] = (first == 'A' ? 'B' : 'A') + tampered[part].substring(1);
            assertRefused(() -> tokens.verify(String.join(".", tampered), TokenType.ACCESS));
        }
        String[] noTag = parts.clone();
        noTag[4] = "";
        assertRefused(() -> tokens.verify(String.join(".", noTag), TokenType.ACCESS));

        JWEObject critical = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(KID)
                .criticalParams(java.util.Set.of("dsp-unknown")).customParam("dsp-unknown", 1).build(),
                new Payload(seedPlaintext(tokens.issue("alice", claims()).accessToken())));
        critical.encrypt(new DirectEncrypter(new SecretKeySpec(directKeys.get(KID), "AES")));
        assertRefused(() -> tokens.verify(critical.serialize(), TokenType.ACCESS));
    }

    @Test
    void thePlaintextMustBeTheSeedsJsonOrANestedJwtWithCtyJwt() throws Exception {
        String jwt = tokens.issue("alice", claims()).accessToken();
        RSAEncrypter toUs = new RSAEncrypter(encryptionKey.privateKey().toRSAPublicKey());

        JWEObject nested = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                .contentType("JWT").build(), new Payload(jwt));
        nested.encrypt(toUs);
        assertThat(tokens.verify(nested.serialize(), TokenType.ACCESS).subject()).as("RFC 7519 nested JWT").isEqualTo("alice");

        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, null, jwt, toUs), TokenType.ACCESS));
        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, null, "{\"token\":\"" + jwt + "\"}", toUs), TokenType.ACCESS));
        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, null, "{\"jwt\":42}", toUs), TokenType.ACCESS));
        // a JWT that is not ours, and a JWE inside the JWE
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
                SignedJWT.parse(jwt).getJWTClaimsSet());
        foreign.sign(new com.nimbusds.jose.crypto.RSASSASigner(new RSAKeyGenerator(2048).generate()));
        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, null, seedPlaintext(foreign.serialize()), toUs), TokenType.ACCESS));
        String inner = tokens.issue("alice", claims(), settings("RSA-OAEP-256", "A256GCM", false)).accessToken();
        assertRefused(() -> tokens.verify(jwe(JWEAlgorithm.RSA_OAEP_256, null, seedPlaintext(inner), toUs), TokenType.ACCESS));
    }

    @Test
    void theSizeLimitHoldsForTheJweAsReceivedAndAZipBombStopsAtTheCap() throws Exception {
        byte[] key = directKey("A256GCM");
        String big = tokens.issue("alice", Map.of("key", KID, "padding", "x".repeat(TokenService.MAX_TOKEN_LENGTH)),
                new JweSettings("dir", "A256GCM", false, key)).accessToken();
        assertThat(big.length()).isGreaterThan(TokenService.MAX_TOKEN_LENGTH);
        assertRefused(() -> tokens.verify(big, TokenType.ACCESS));

        // a megabyte that deflates to about a kilobyte
        JWEObject bomb = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID(KID)
                .compressionAlgorithm(CompressionAlgorithm.DEF).build(), new Payload("{\"jwt\":\"" + "A".repeat(1_000_000) + "\"}"));
        bomb.encrypt(new DirectEncrypter(new SecretKeySpec(key, "AES")));
        assertThat(bomb.serialize().length()).isLessThan(TokenService.MAX_TOKEN_LENGTH);
        assertThatThrownBy(() -> tokens.verify(bomb.serialize(), TokenType.ACCESS)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("cannot decrypt");
    }

    @Test
    void aJweRefreshTokenRefreshesToTokensWrappedAlike() throws Exception {
        for (JweSettings settings : List.of(settings("dir", "A192CBC-HS384", true), settings("RSA-OAEP-256", "A128GCM", false))) {
            IssuedTokens login = tokens.issue("alice", claims(), settings);
            IssuedTokens renewed = tokens.refresh(login.refreshToken());

            for (String token : List.of(renewed.accessToken(), renewed.refreshToken())) {
                assertThat(JWEObject.parse(token).getHeader().toJSONObject())
                        .isEqualTo(JWEObject.parse(login.refreshToken()).getHeader().toJSONObject());
            }
            assertThat(tokens.verify(renewed.accessToken(), TokenType.ACCESS).claims().get("fresh")).isEqualTo(false);
            assertRefused(() -> tokens.refresh(login.refreshToken()), "revoked");
            assertRefused(() -> tokens.verify(renewed.accessToken(), TokenType.REFRESH), "wrong token type");
        }
    }

    @Test
    void aRevokedJweIsRefusedAndRevokingTheJweRevokesTheJwtInside() {
        IssuedTokens issued = tokens.issue("alice", claims(), settings("RSA-OAEP-256", "A256GCM", true));

        VerifiedToken revoked = tokens.revoke(issued.accessToken());
        assertThat(revoked.type()).isEqualTo(TokenType.ACCESS);
        assertRefused(() -> tokens.verify(issued.accessToken(), TokenType.ACCESS), "revoked");
        assertRefused(() -> tokens.verify(codec.unwrap(issued.accessToken()), TokenType.ACCESS), "revoked");
    }

    @Test
    void apiKeyIdIsThePlatformsToSetAndSurvivesARefresh() throws Exception {
        IssuedTokens issued = tokens.issue("alice", Map.of("api_key_id", "forged", "key", KID));
        assertThat(tokens.verify(issued.accessToken(), TokenType.ACCESS).claims()).doesNotContainKey("api_key_id");

        // a refresh token the platform issued for an API key (the API keys set the claim)
        JWTClaimsSet refresh = new JWTClaimsSet.Builder(SignedJWT.parse(issued.refreshToken()).getJWTClaimsSet())
                .claim("api_key_id", "ak-1").build();
        SignedJWT forKey = new SignedJWT(new JWSHeader.Builder(keys.algorithm()).type(JOSEObjectType.JWT).keyID(keys.current().getKeyID()).build(),
                refresh);
        forKey.sign(keys.signer());
        IssuedTokens renewed = tokens.refresh(forKey.serialize());

        assertThat(tokens.verify(renewed.accessToken(), TokenType.ACCESS).claims()).containsEntry("api_key_id", "ak-1");
        assertThat(tokens.verify(renewed.refreshToken(), TokenType.REFRESH).claims()).containsEntry("api_key_id", "ak-1");
    }

    /** Claims with the seed's {@code key} and enough repetition for DEF to matter. */
    private static Map<String, Object> claims() {
        return Map.of("key", KID, "tier", "enterprise", "groups", IntStream.range(0, 40).mapToObj(i -> "group-of-the-platform-" + i).toList());
    }

    private JweSettings settings(String alg, String enc, boolean compress) {
        return new JweSettings(alg, enc, compress, JweSettings.DIR.equals(alg) ? directKey(enc) : null);
    }

    /** A fresh key for {@code enc}, known under {@link #KID}. */
    private byte[] directKey(String enc) {
        byte[] key = random(JweSettings.keyBytes(enc));
        directKeys.put(KID, key);
        return key;
    }

    private static String seedPlaintext(String jwt) {
        return JSONObjectUtils.toJSONString(Map.of("jwt", jwt));
    }

    private static String jwe(JWEAlgorithm alg, String kid, String plaintext, JWEEncrypter encrypter) throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, EncryptionMethod.A256GCM).keyID(kid).build(), new Payload(plaintext));
        jwe.encrypt(encrypter);
        return jwe.serialize();
    }

    private static String jweOrFail(JWEAlgorithm alg, String kid, String plaintext, JWEEncrypter encrypter) {
        try {
            return jwe(alg, kid, plaintext, encrypter);
        } catch (Exception e) {
            throw new AssertionError("cannot build a " + alg + " JWE", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }

    private static void assertRefused(ThrowableAssert.ThrowingCallable call) {
        assertRefused(call, "invalid");
    }

    private static void assertRefused(ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOf(InvalidTokenException.class)
                .satisfies(e -> assertThat(((InvalidTokenException) e).reason()).isEqualTo(reason));
    }
}
