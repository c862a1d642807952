package ai.dsp.platform.auth.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How tokens are wrapped in a JWE (SEED-CONTRACTS §1.9): {@code dir} with a shared key, as the
 * seed does, or {@code RSA-OAEP-256} to the platform's own {@link EncryptionKey}.
 *
 * @param algorithm  {@code dir} or {@code RSA-OAEP-256}
 * @param encryption the content encryption ({@code enc}): A128GCM, A192GCM, A256GCM,
 *                   A128CBC-HS256, A192CBC-HS384 or A256CBC-HS512
 * @param compress   whether the plaintext is deflated first ({@code zip: DEF})
 * @param key        the {@code dir} key, exactly as long as {@code encryption} needs; null for RSA-OAEP-256
 */
public record JweSettings(String algorithm, String encryption, boolean compress, byte[] key) {

    public static final String DIR = "dir";
    public static final String RSA_OAEP_256 = "RSA-OAEP-256";
    public static final String DEFAULT_ENCRYPTION = "A256GCM";
    /** Each {@code enc} and the bytes of its key (the CBC-HS ones hold a MAC key and an AES key). */
    private static final Map<String, Integer> KEY_BYTES = keySizes();
    private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public JweSettings {
        if (!DIR.equals(algorithm) && !RSA_OAEP_256.equals(algorithm)) {
            throw new IllegalArgumentException("jwe_config.algorithm must be " + DIR + " or " + RSA_OAEP_256 + ", was " + algorithm);
        }
        int size = keyBytes(encryption);
        if (DIR.equals(algorithm) && (key == null || key.length != size)) {
            throw new IllegalArgumentException("jwe_config.encryption_key must be " + size + " bytes for " + encryption + ", was "
                    + (key == null ? "missing" : key.length + " bytes"));
        }
        if (RSA_OAEP_256.equals(algorithm) && key != null) {
            throw new IllegalArgumentException(RSA_OAEP_256 + " encrypts to the platform's own key: it takes no encryption_key");
        }
        key = key == null ? null : key.clone();
    }

    /**
     * The seed's {@code jwe_config} map: empty when it is absent, null or not {@code enabled}.
     * {@code encryption_key} written as {@code "${VAR}"} is read through {@code environment}.
     * Unlike the seed, {@code algorithm} is honoured (absent means {@code dir}) and a hex key
     * works; RSA-OAEP-256 ignores {@code encryption_key}.
     *
     * @throws IllegalArgumentException for a setting the platform cannot use; the message never holds the key
     */
    public static Optional<JweSettings> fromSeedConfig(Map<String, Object> jweConfig, Function<String, String> environment) {
        if (jweConfig == null || !Boolean.parseBoolean(String.valueOf(jweConfig.get("enabled")))) {
            return Optional.empty();
        }
        String algorithm = text(jweConfig.get("algorithm"), DIR);
        String encryption = text(jweConfig.get("encryption"), DEFAULT_ENCRYPTION);
        String compression = text(jweConfig.get("compression"), null);
        if (compression != null && !"DEF".equals(compression)) {
            throw new IllegalArgumentException("jwe_config.compression must be null or DEF, was " + compression);
        }
        byte[] key = null;
        if (DIR.equals(algorithm)) {
            String written = text(jweConfig.get("encryption_key"), null);
            if (written == null) {
                throw new IllegalArgumentException("jwe_config.encryption_key is required for alg " + DIR);
            }
            key = decodeKey(fromEnvironment(written, environment), encryption);
        }
        return Optional.of(new JweSettings(algorithm, encryption, compression != null, key));
    }

    /**
     * The seed's key formats: standard base64, hex or the raw UTF-8 bytes. Of these readings at
     * most one has the length {@code encryption} needs (base64 gives 3/4 of its characters in
     * bytes, hex 1/2, raw 1), and that one is the key. The seed took any string that parses as
     * base64 as base64, so a hex key from its own generator was refused.
     */
    static byte[] decodeKey(String written, String encryption) {
        int size = keyBytes(encryption);
        if (written.length() == 2 * size && written.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(written);
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(written);
            if (decoded.length == size) {
                return decoded;
            }
        } catch (IllegalArgumentException notBase64) {
            // one of the other readings
        }
        byte[] raw = written.getBytes(StandardCharsets.UTF_8);
        if (raw.length == size) {
            return raw;
        }
        throw new IllegalArgumentException("jwe_config.encryption_key must be " + size + " bytes for " + encryption + ": "
                + 2 * size + " hex characters, base64 of " + size + " bytes or " + size + " raw characters; it has "
                + written.length() + " characters");
    }

    /** The key length {@code encryption} needs. */
    static int keyBytes(String encryption) {
        Integer size = KEY_BYTES.get(encryption);
        if (size == null) {
            throw new IllegalArgumentException("jwe_config.encryption must be one of " + String.join(", ", KEY_BYTES.keySet())
                    + ", was " + encryption);
        }
        return size;
    }

    private static String fromEnvironment(String written, Function<String, String> environment) {
        Matcher variable = ENVIRONMENT_VARIABLE.matcher(written);
        if (!variable.matches()) {
            return written;
        }
        String value = environment.apply(variable.group(1));
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("jwe_config.encryption_key names the environment variable " + variable.group(1)
                    + ", which is not set");
        }
        return value;
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JweSettings that && algorithm.equals(that.algorithm) && encryption.equals(that.encryption)
                && compress == that.compress && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, encryption, compress, Arrays.hashCode(key));
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "JweSettings[algorithm=" + algorithm + ", encryption=" + encryption + ", compress=" + compress
                + (key == null ? "" : ", key=" + key.length + " bytes") + "]";
    }

    private static String text(Object value, String fallback) {
        return value == null || value.toString().isBlank() ? fallback : value.toString();
    }

    /** The {@code enc} values the platform makes and accepts. */
    public static Set<String> encryptions() {
        return KEY_BYTES.keySet();
    }

    private static Map<String, Integer> keySizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("A128GCM", 16);
        sizes.put("A192GCM", 24);
        sizes.put(DEFAULT_ENCRYPTION, 32);
        sizes.put("A128CBC-HS256", 32);
        sizes.put("A192CBC-HS384", 48);
        sizes.put("A256CBC-HS512", 64);
        return Collections.unmodifiableMap(sizes);
    }
}
