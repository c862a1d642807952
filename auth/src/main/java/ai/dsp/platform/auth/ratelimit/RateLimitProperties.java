package ai.dsp.platform.auth.ratelimit;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.Map;

/**
 * Requests per minute per API key and per user.
 *
 * @param enabled      false lets every call through uncounted
 * @param defaultRpm   the limit of a caller whose token has no {@code rate_limit} claim and none of the roles below
 * @param roleDefaults role to its limit, for tokens without a {@code rate_limit} claim; a caller
 *                     with several of these roles gets the highest
 * @param redisTimeout how long a call waits for Redis (with {@code dsp.redis.enabled}) before it is let through unchecked
 */
@Validated
@ConfigurationProperties("dsp.auth.rate-limits")
public record RateLimitProperties(Boolean enabled, @Min(1) Integer defaultRpm, Map<String, @Min(1) Integer> roleDefaults,
                                  Duration redisTimeout) {

    public RateLimitProperties {
        enabled = enabled == null || enabled;
        defaultRpm = defaultRpm == null ? 60 : defaultRpm;
        roleDefaults = roleDefaults == null ? Map.of() : Map.copyOf(roleDefaults);
        redisTimeout = redisTimeout == null ? Duration.ofMillis(500) : redisTimeout;
    }
}
