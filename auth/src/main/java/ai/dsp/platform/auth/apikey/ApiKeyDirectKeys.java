package ai.dsp.platform.auth.apikey;

import ai.dsp.platform.auth.token.DirectKeys;
import ai.dsp.platform.auth.token.JweSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The keys of {@code dir} JWEs, as the seed pairs them: the JWE's {@code kid} is an API key's
 * {@code key} claim, the key its {@code jwe_config.encryption_key}. So the platform opens the JWEs
 * it issued for a key file (an inline config's are for the gateway that holds the key).
 */
public final class ApiKeyDirectKeys implements DirectKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyDirectKeys.class);

    private final ApiKeyStore store;
    private final Function<String, String> environment;

    public ApiKeyDirectKeys(ApiKeyStore store, Function<String, String> environment) {
        this.store = store;
        this.environment = environment;
    }

    @Override
    public Optional<byte[]> key(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        return Stream.concat(store.list().stream(), store.base().stream())
                .filter(key -> key.jweConfig() != null && kid.equals(String.valueOf(key.staticClaims().get("key"))))
                .map(this::directKey).flatMap(Optional::stream).findFirst();
    }

    private Optional<byte[]> directKey(ApiKey key) {
        try {
            return JweSettings.fromSeedConfig(key.jweConfig(), environment).filter(settings -> JweSettings.DIR.equals(settings.algorithm()))
                    .map(JweSettings::key);
        } catch (IllegalArgumentException e) {
            LOG.warn("API key {}: its jwe_config cannot be used: {}", key.id(), e.getMessage());
            return Optional.empty();
        }
    }
}
