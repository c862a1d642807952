package ai.dsp.platform.auth.token;

import java.util.Optional;

/**
 * The shared keys of {@code dir} JWEs, found by the JWE's {@code kid}. As in the seed, the kid is
 * an API key's {@code key} claim and the key its {@code jwe_config.encryption_key}; the API keys
 * supply the implementation.
 */
@FunctionalInterface
public interface DirectKeys {

    /** No shared keys: every {@code dir} JWE is refused (RSA-OAEP-256 ones still work). */
    DirectKeys NONE = kid -> Optional.empty();

    /** The key for {@code kid}, as raw bytes of the length its {@code enc} needs. */
    Optional<byte[]> key(String kid);
}
