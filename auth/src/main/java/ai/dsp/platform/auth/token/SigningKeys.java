package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.Digests;
import ai.dsp.platform.auth.user.OwnerOnlyFiles;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The keys tokens are signed with: for RS256/ES256 a key set kept owner-only in the state folder
 * (made at first start; the first key signs, the others still verify until they are retired),
 * for HS256 the shared secret. Every token names its key in {@code kid}.
 */
public final class SigningKeys {

    static final String KEY_FILE = "signing-keys.json";
    private static final int MIN_HMAC_BYTES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    /** Keys kept after a rotation: the new current one and the one before it, which still verifies. */
    static final int KEPT = 2;

    private final JWSAlgorithm algorithm;
    private final List<JWK> keys;
    /** The key file and its version when read; null for HS256. */
    private final Path file;
    private final FileTime version;

    private SigningKeys(JWSAlgorithm algorithm, List<JWK> keys, Path file, FileTime version) {
        this.algorithm = algorithm;
        this.keys = List.copyOf(keys);
        this.file = file;
        this.version = version;
    }

    /** The keys for {@code algorithm}: read from, or made in, {@code stateDir}; HS256 takes {@code hmacSecret}. */
    public static SigningKeys open(String algorithm, Path stateDir, String hmacSecret) {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
        if (JWSAlgorithm.HS256.equals(alg)) {
            return new SigningKeys(alg, List.of(hmacKey(hmacSecret)), null, null);
        }
        if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
            throw new IllegalArgumentException("dsp.auth.algorithm must be RS256, ES256 or HS256, was " + algorithm);
        }
        Path file = stateDir.resolve(KEY_FILE);
        try {
            KeyFiles.makeUnlessPresent(file, () -> generate(alg), alg + " signing key");
            return read(alg, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the signing keys in " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    private static SigningKeys read(JWSAlgorithm alg, Path file) throws IOException, ParseException {
        FileTime version = Files.getLastModifiedTime(file);
        List<JWK> usable = JWKSet.load(file.toFile()).getKeys().stream().filter(k -> alg.equals(k.getAlgorithm())).toList();
        if (usable.isEmpty()) {
            throw new IllegalStateException(file + " holds no " + alg + " key (dsp.auth.algorithm changed?)");
        }
        return new SigningKeys(alg, usable, file, version);
    }

    /**
     * A new current key; the current one stays to verify the tokens it signed, any older one is
     * retired (its tokens are refused from now on). The key file is replaced in one rename, so
     * replicas reading it see the old set or the new one.
     */
    public SigningKeys rotate() {
        if (file == null) {
            throw new IllegalStateException("HS256 signs with JWT_SECRET_KEY: rotate it by changing the secret");
        }
        try {
            List<JWK> next = new ArrayList<>();
            next.add(generate(algorithm));
            next.addAll(keys.subList(0, Math.min(keys.size(), KEPT - 1)));
            Path staged = OwnerOnlyFiles.stage(file, new JWKSet(next).toString(false));
            Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            SigningKeys rotated = read(algorithm, file);
            LOG.warn("rotated the signing keys in {}: {} signs now, {} still verifies, retired {}", file, rotated.current().getKeyID(),
                    current().getKeyID(), keys.stream().skip(KEPT - 1).map(JWK::getKeyID).toList());
            return rotated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the signing keys in " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    /** The keys as the file holds them now: this set if it has not changed (another replica may have rotated). */
    public SigningKeys reloaded() {
        if (file == null) {
            return this;
        }
        try {
            return Files.getLastModifiedTime(file).equals(version) ? this : read(algorithm, file);
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.error("cannot read the changed signing keys in {}; the keys read before stay: {}", file, e.getMessage());
            return this;
        }
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** The key new tokens are signed with. */
    public JWK current() {
        return keys.get(0);
    }

    public List<JWK> all() {
        return keys;
    }

    /** What {@code /.well-known/jwks.json} publishes: the public halves; nothing for HS256. */
    public JWKSet publicKeys() {
        return algorithm.equals(JWSAlgorithm.HS256) ? new JWKSet() : new JWKSet(keys).toPublicJWKSet();
    }

    public JWSSigner signer() {
        try {
            JWK key = current();
            if (key instanceof RSAKey rsa) {
                return new RSASSASigner(rsa);
            }
            if (key instanceof ECKey ec) {
                return new ECDSASigner(ec);
            }
            return new MACSigner((OctetSequenceKey) key);
        } catch (JOSEException e) {
            throw new IllegalStateException("the signing key " + current().getKeyID() + " cannot sign: " + e.getMessage(), e);
        }
    }

    private static JWK generate(JWSAlgorithm alg) {
        String kid = UUID.randomUUID().toString();
        try {
            if (JWSAlgorithm.ES256.equals(alg)) {
                return new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(alg).keyUse(KeyUse.SIGNATURE).generate();
            }
            return new RSAKeyGenerator(3072).keyID(kid).algorithm(alg).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a " + alg + " key", e);
        }
    }

    private static JWK hmacKey(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_BYTES) {
            throw new IllegalArgumentException("HS256 needs dsp.auth.hmac-secret (JWT_SECRET_KEY) of at least "
                    + MIN_HMAC_BYTES + " bytes");
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        // the kid names the secret without revealing it: a short digest
        return new OctetSequenceKey.Builder(bytes).keyID("hs-" + HexFormat.of().formatHex(Digests.sha256(bytes), 0, 6))
                .algorithm(JWSAlgorithm.HS256).keyUse(KeyUse.SIGNATURE).build();
    }
}
