package ai.dsp.platform.auth.apikey;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * API keys: the seed's {@code config/api_keys/*.yaml} files and what their dynamic claims may do.
 *
 * @param dir                 the key files (the seed's {@code API_KEYS_DIR}); {@code base_api_key.yaml}
 *                            in it holds the claims of logins without a key
 * @param rotationOverlap     how long the replaced key keeps working after a rotation
 * @param claimApiHosts       {@code host} or {@code host:port} that {@code type: api} claims may call;
 *                            empty: none (a claim naming another host fails by its failure policy)
 * @param claimApiTimeout     the longest an {@code api} claim waits for its answer
 * @param claimCacheTtl       how long an {@code api} claim's answer is reused
 * @param internalApiToken    what {@code {internal_token}} in an {@code api} claim's headers becomes
 *                            (from the environment: {@code INTERNAL_API_TOKEN})
 * @param authenticationCacheTtl how long the claims of a key sent as {@code X-API-Key} are reused
 *                            before its dynamic claims are computed again
 */
@ConfigurationProperties("dsp.auth.api-keys")
public record ApiKeyProperties(Path dir, Duration rotationOverlap, List<String> claimApiHosts, Duration claimApiTimeout,
                               Duration claimCacheTtl, String internalApiToken, Duration authenticationCacheTtl) {

    public ApiKeyProperties {
        dir = dir == null ? Path.of("config", "api_keys") : dir;
        rotationOverlap = rotationOverlap == null ? Duration.ofHours(24) : rotationOverlap;
        claimApiHosts = claimApiHosts == null ? List.of() : claimApiHosts.stream().filter(host -> !host.isBlank()).toList();
        claimApiTimeout = claimApiTimeout == null ? Duration.ofSeconds(5) : claimApiTimeout;
        claimCacheTtl = claimCacheTtl == null ? Duration.ofSeconds(60) : claimCacheTtl;
        internalApiToken = internalApiToken == null || internalApiToken.isBlank() ? null : internalApiToken;
        authenticationCacheTtl = authenticationCacheTtl == null ? Duration.ofSeconds(60) : authenticationCacheTtl;
    }

    /** Defaults for a key folder: for tools and tests. */
    public static ApiKeyProperties in(Path dir) {
        return new ApiKeyProperties(dir, null, null, null, null, null, null);
    }
}
