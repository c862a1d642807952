package ai.dsp.platform.auth.token;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed's {@code jwe_config} (SEED-CONTRACTS §1.9) read into settings, with its hex-key bug fixed. */
class JweSettingsTest {

    /** The seed's example key: base64 of 32 bytes. */
    static final String SEED_KEY = "pArpqi3lKdqdBOArPb5l0+hOM2LZSX51Dvta4IoiAYM=";
    private static final Function<String, String> NO_ENVIRONMENT = name -> null;

    @Test
    void absentNullOrDisabledConfigMeansNoJwe() {
        assertThat(JweSettings.fromSeedConfig(null, NO_ENVIRONMENT)).isEmpty();
        assertThat(JweSettings.fromSeedConfig(Map.of(), NO_ENVIRONMENT)).isEmpty();
        assertThat(JweSettings.fromSeedConfig(Map.of("enabled", false, "encryption_key", SEED_KEY), NO_ENVIRONMENT)).isEmpty();
        assertThat(JweSettings.fromSeedConfig(config("enabled", null), NO_ENVIRONMENT)).isEmpty();
    }

    @Test
    void theSeedsExampleKeyIsBase64OfA256GcmAndTheDefaultsAreTheSeeds() {
        JweSettings settings = JweSettings.fromSeedConfig(Map.of("enabled", true, "encryption_key", SEED_KEY), NO_ENVIRONMENT).orElseThrow();

        assertThat(settings.algorithm()).isEqualTo("dir");
        assertThat(settings.encryption()).isEqualTo("A256GCM");
        assertThat(settings.compress()).isFalse();
        assertThat(settings.key()).isEqualTo(Base64.getDecoder().decode(SEED_KEY)).hasSize(32);
    }

    @Test
    void keysAreBase64HexOrRawWhicheverHasTheLengthTheEncNeeds() {
        byte[] bytes32 = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        // 64 hex characters are also valid base64 (of 48 bytes): the seed refused this key, we read it as hex
        assertThat(key("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "A256GCM")).isEqualTo(bytes32);
        assertThat(key("00112233445566778899AABBCCDDEEFF", "A128GCM")).hasSize(16);
        assertThat(key(HexFormat.of().formatHex(new byte[64]), "A256CBC-HS512")).isEqualTo(new byte[64]);
        assertThat(key(Base64.getEncoder().encodeToString(new byte[24]), "A192GCM")).isEqualTo(new byte[24]);
        assertThat(key(Base64.getEncoder().encodeToString(new byte[48]), "A192CBC-HS384")).isEqualTo(new byte[48]);
        // the seed's sas2py manifest: 32 characters that are neither base64 nor hex
        assertThat(key("key-length-should-be-32-chars123", "A256GCM"))
                .isEqualTo("key-length-should-be-32-chars123".getBytes(StandardCharsets.UTF_8));
        assertThat(key("sixteen-raw-key!", "A128GCM")).hasSize(16);
    }

    @Test
    void aKeyWrittenAsAnEnvironmentVariableIsReadFromThereAndAnUnsetOneIsAClearError() {
        Map<String, Object> config = Map.of("enabled", true, "encryption_key", "${JWE_KEY}", "compression", "DEF");

        JweSettings settings = JweSettings.fromSeedConfig(config, Map.of("JWE_KEY", SEED_KEY)::get).orElseThrow();
        assertThat(settings.key()).hasSize(32);
        assertThat(settings.compress()).isTrue();
        assertThatThrownBy(() -> JweSettings.fromSeedConfig(config, NO_ENVIRONMENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWE_KEY").hasMessageContaining("not set");
        // only the whole string names a variable
        assertThatThrownBy(() -> key("x${JWE_KEY}", "A256GCM")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrongLengthsAreRefusedWithAMessageThatNeverHoldsTheKey() {
        String secret = "a-secret-that-is-too-short";
        assertThatThrownBy(() -> key(secret, "A256GCM"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes for A256GCM").hasMessageNotContaining(secret);
        assertThatThrownBy(() -> key(SEED_KEY, "A128GCM")).hasMessageContaining("16 bytes").hasMessageNotContaining(SEED_KEY);
        assertThatThrownBy(() -> new JweSettings("dir", "A256GCM", false, new byte[16])).hasMessageContaining("32 bytes for A256GCM");
        assertThatThrownBy(() -> new JweSettings("dir", "A256GCM", false, null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> JweSettings.fromSeedConfig(Map.of("enabled", true), NO_ENVIRONMENT))
                .hasMessageContaining("encryption_key is required");
    }

    @Test
    void theAlgorithmIsHonouredAndOnlyDirAndRsaOaep256AreAllowed() {
        JweSettings rsa = JweSettings.fromSeedConfig(Map.of("enabled", true, "algorithm", "RSA-OAEP-256", "encryption", "A128CBC-HS256",
                "encryption_key", "ignored"), NO_ENVIRONMENT).orElseThrow();
        assertThat(rsa.algorithm()).isEqualTo("RSA-OAEP-256");
        assertThat(rsa.key()).isNull();

        for (String algorithm : new String[] {"RSA1_5", "A256KW", "ECDH-ES", "PBES2-HS256+A128KW", "none", "DIR"}) {
            assertThatThrownBy(() -> JweSettings.fromSeedConfig(Map.of("enabled", true, "algorithm", algorithm, "encryption_key", SEED_KEY),
                    NO_ENVIRONMENT)).as(algorithm).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dir or RSA-OAEP-256");
        }
        assertThatThrownBy(() -> JweSettings.fromSeedConfig(Map.of("enabled", true, "encryption", "A512GCM", "encryption_key", SEED_KEY),
                NO_ENVIRONMENT)).hasMessageContaining("A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512");
        assertThatThrownBy(() -> JweSettings.fromSeedConfig(Map.of("enabled", true, "compression", "GZIP", "encryption_key", SEED_KEY),
                NO_ENVIRONMENT)).hasMessageContaining("null or DEF");
        assertThatThrownBy(() -> new JweSettings("RSA-OAEP-256", "A256GCM", false, new byte[32])).hasMessageContaining("no encryption_key");
    }

    @Test
    void theKeyIsCopiedInAndOutAndNeverPrinted() {
        byte[] key = Base64.getDecoder().decode(SEED_KEY);
        JweSettings settings = new JweSettings("dir", "A256GCM", true, key);
        key[0] ^= 1;
        settings.key()[1] ^= 1;

        assertThat(settings.key()).isEqualTo(Base64.getDecoder().decode(SEED_KEY));
        assertThat(settings).isEqualTo(new JweSettings("dir", "A256GCM", true, Base64.getDecoder().decode(SEED_KEY)));
        assertThat(settings.toString()).isEqualTo("JweSettings[algorithm=dir, encryption=A256GCM, compress=true, key=32 bytes]");
    }

    private static byte[] key(String written, String encryption) {
        Optional<JweSettings> settings = JweSettings.fromSeedConfig(Map.of("enabled", true, "encryption_key", written,
                "encryption", encryption), NO_ENVIRONMENT);
        return settings.orElseThrow().key();
    }

    private static Map<String, Object> config(String key, Object value) {
        Map<String, Object> config = new HashMap<>();
        config.put(key, value);
        config.put("encryption_key", SEED_KEY);
        return config;
    }
}
