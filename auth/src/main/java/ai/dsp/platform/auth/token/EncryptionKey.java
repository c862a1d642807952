package ai.dsp.platform.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.UUID;

/**
 * The platform's RSA key for RSA-OAEP-256 JWEs, made at first start and kept owner-only in
 * {@code <state-dir>/encryption-key.json}. Its public half is published in the JWK set with
 * {@code use: enc}, so a client or a gateway can encrypt to the platform; whoever holds the file
 * (the platform, a gateway it is given to) can decrypt.
 */
public final class EncryptionKey {

    static final String KEY_FILE = "encryption-key.json";
    /** As strong as the RS256 signing keys. */
    private static final int BITS = 3072;

    private final RSAKey key;

    private EncryptionKey(RSAKey key) {
        this.key = key;
    }

    /** The key in {@code stateDir}, made there if it is not yet. */
    public static EncryptionKey open(Path stateDir) {
        Path file = stateDir.resolve(KEY_FILE);
        try {
            KeyFiles.makeUnlessPresent(file, EncryptionKey::generate, "RSA-OAEP-256 encryption key");
            return new EncryptionKey(usable(JWKSet.load(file.toFile()), file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the encryption key in " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    public String keyId() {
        return key.getKeyID();
    }

    /** The private key: it decrypts. */
    RSAKey privateKey() {
        return key;
    }

    /** What the JWK set publishes. */
    public JWK publicKey() {
        return key.toPublicJWK();
    }

    private static RSAKey usable(JWKSet keys, Path file) {
        return keys.getKeys().stream()
                .filter(k -> k instanceof RSAKey && k.isPrivate() && JWEAlgorithm.RSA_OAEP_256.equals(k.getAlgorithm()))
                .map(RSAKey.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + " holds no private RSA-OAEP-256 key"));
    }

    private static JWK generate() {
        try {
            return new RSAKeyGenerator(BITS).keyID("enc-" + UUID.randomUUID()).algorithm(JWEAlgorithm.RSA_OAEP_256)
                    .keyUse(KeyUse.ENCRYPTION).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an RSA encryption key", e);
        }
    }
}
