package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.InvalidTokenException;
import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEDecrypterOption;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.opts.MaxDecompressedPlainTextLength;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;

import javax.crypto.spec.SecretKeySpec;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;

/**
 * Tokens wrapped in a compact JWE as the seed makes them (SEED-CONTRACTS §1.9): protected header
 * {@code {"alg", "enc"[, "kid"][, "zip": "DEF"]}} without {@code cty}, plaintext the JSON
 * {@code {"jwt": "<signed JWT>"}}. Unwrapping accepts only {@code dir} (key found by {@code kid}
 * through {@link DirectKeys}) and {@code RSA-OAEP-256} (the platform's {@link EncryptionKey});
 * every other algorithm is a downgrade and refused before anything is decrypted. The signed JWT
 * inside is then the caller's to verify like any other.
 */
public final class JweCodec {

    static final Set<JWEAlgorithm> ALGORITHMS = Set.of(JWEAlgorithm.DIR, JWEAlgorithm.RSA_OAEP_256);
    static final Set<EncryptionMethod> ENCRYPTIONS = Set.of(EncryptionMethod.A128GCM, EncryptionMethod.A192GCM,
            EncryptionMethod.A256GCM, EncryptionMethod.A128CBC_HS256, EncryptionMethod.A192CBC_HS384, EncryptionMethod.A256CBC_HS512);
    /**
     * How far a {@code zip: DEF} plaintext may inflate: an 8 KB JWT in its JSON wrapper. A
     * compressed bomb stops there instead of at nimbus's default of 1 MB per token.
     */
    static final int MAX_PLAINTEXT = TokenService.MAX_TOKEN_LENGTH + 64;
    private static final Set<JWEDecrypterOption> LIMITS = Set.of(new MaxDecompressedPlainTextLength(MAX_PLAINTEXT));
    private static final String JWT = "jwt";

    private final EncryptionKey encryptionKey;
    private final DirectKeys directKeys;

    /** A JWE taken apart: the signed JWT inside, and the settings and kid that wrap another one the same way. */
    record Opened(String jwt, JweSettings settings, String kid) {
    }

    public JweCodec(EncryptionKey encryptionKey, DirectKeys directKeys) {
        this.encryptionKey = encryptionKey;
        this.directKeys = directKeys;
    }

    /** A compact JWE has five parts (a signed JWT three). */
    public static boolean isJwe(String token) {
        return token.chars().filter(c -> c == '.').count() == 4;
    }

    /** {@code signedJwt} wrapped as {@code settings} say; {@code kid} goes into the header when not null. */
    public String encrypt(String signedJwt, JweSettings settings, String kid) {
        JWEHeader.Builder header = new JWEHeader.Builder(JWEAlgorithm.parse(settings.algorithm()), EncryptionMethod.parse(settings.encryption()))
                .keyID(kid);
        if (settings.compress()) {
            header.compressionAlgorithm(CompressionAlgorithm.DEF);
        }
        JWEObject jwe = new JWEObject(header.build(), new Payload(JSONObjectUtils.toJSONString(Map.of(JWT, signedJwt))));
        try {
            jwe.encrypt(encrypter(settings));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot encrypt a token with " + settings + ": " + e.getMessage(), e);
        }
        return jwe.serialize();
    }

    /** The signed JWT inside a JWE; refused ({@code invalid}) for any algorithm but ours, a wrong key or a broken plaintext. */
    public String unwrap(String token) {
        return open(token).jwt();
    }

    /** The kid RSA-OAEP-256 JWEs name: the platform's encryption key. */
    public String encryptionKeyId() {
        return encryptionKey.keyId();
    }

    /** The public half of the encryption key, for the JWK set. */
    public JWK publicKey() {
        return encryptionKey.publicKey();
    }

    Opened open(String token) {
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(token);
        } catch (ParseException e) {
            throw refused("not a JWE: " + e.getMessage());
        }
        JWEHeader header = jwe.getHeader();
        // checked before any decryption: RSA1_5, key wrapping, ECDH-ES and PBES2 never reach a decrypter
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw refused("a JWE with alg " + header.getAlgorithm() + " (only dir and RSA-OAEP-256 are accepted)");
        }
        if (!ENCRYPTIONS.contains(header.getEncryptionMethod())) {
            throw refused("a JWE with enc " + header.getEncryptionMethod());
        }
        String kid = header.getKeyID();
        byte[] directKey = JWEAlgorithm.DIR.equals(header.getAlgorithm()) ? directKey(kid) : null;
        try {
            // nimbus refuses unknown crit headers and caps the inflated plaintext at MAX_PLAINTEXT
            jwe.decrypt(decrypter(directKey, kid));
        } catch (JOSEException e) {
            throw refused("cannot decrypt the JWE: " + e.getMessage());
        }
        JweSettings settings = new JweSettings(header.getAlgorithm().getName(), header.getEncryptionMethod().getName(),
                CompressionAlgorithm.DEF.equals(header.getCompressionAlgorithm()), directKey);
        return new Opened(signedJwt(jwe.getPayload().toString(), header.getContentType()), settings, kid);
    }

    private byte[] directKey(String kid) {
        if (kid == null) {
            throw refused("a dir JWE without kid");
        }
        return directKeys.key(kid).orElseThrow(() -> refused("no key for the dir JWE's kid"));
    }

    private JWEDecrypter decrypter(byte[] directKey, String kid) throws JOSEException {
        if (directKey != null) {
            return new DirectDecrypter(directKey, LIMITS);
        }
        if (kid != null && !kid.equals(encryptionKey.keyId())) {
            throw refused("an RSA-OAEP-256 JWE for another key");
        }
        return new RSADecrypter(encryptionKey.privateKey(), LIMITS);
    }

    private JWEEncrypter encrypter(JweSettings settings) throws JOSEException {
        if (JweSettings.DIR.equals(settings.algorithm())) {
            return new DirectEncrypter(new SecretKeySpec(settings.key(), "AES"));
        }
        return new RSAEncrypter(encryptionKey.privateKey().toRSAPublicKey());
    }

    /** The seed's {@code {"jwt": ...}}, or the JWT itself when {@code cty} says so (a nested JWT, RFC 7519 §5.2). */
    private static String signedJwt(String plaintext, String contentType) {
        if ("JWT".equalsIgnoreCase(contentType) && !plaintext.startsWith("{")) {
            return plaintext;
        }
        try {
            if (JSONObjectUtils.parse(plaintext).get(JWT) instanceof String jwt) {
                return jwt;
            }
        } catch (ParseException e) {
            // refused below
        }
        throw refused("the JWE's plaintext is not {\"jwt\": <signed JWT>}");
    }

    private static InvalidTokenException refused(String reason) {
        return new InvalidTokenException("invalid", reason);
    }
}
