package ai.dsp.platform.app.messaging;

import ai.dsp.platform.auth.token.Revocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Revocations in Redis, shared by every replica: one key per revoked token id
 * ({@code <prefix>:revoked:<jti>}) that expires when the token would have. While Redis cannot
 * answer, every token counts as revoked: a logout must not come undone by an outage.
 */
public final class RedisRevocations implements Revocations {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRevocations.class);

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Clock clock;

    public RedisRevocations(StringRedisTemplate redis, String keyPrefix, Clock clock) {
        this.redis = redis;
        this.prefix = keyPrefix + ":revoked:";
        this.clock = clock;
    }

    @Override
    public void revoke(String jti, Instant expiresAt) {
        Duration left = Duration.between(clock.instant(), expiresAt);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        // thrown to the caller: a revocation that was not stored must not be reported as done
        redis.opsForValue().set(prefix + jti, "1", left.plusSeconds(1));
    }

    @Override
    public boolean isRevoked(String jti) {
        try {
            return Boolean.TRUE.equals(redis.hasKey(prefix + jti));
        } catch (RuntimeException e) {
            LOG.error("Redis cannot say whether token {} is revoked; refusing it: {}", jti, e.getMessage());
            return true;
        }
    }
}
