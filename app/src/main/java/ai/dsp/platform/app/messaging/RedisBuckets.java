package ai.dsp.platform.app.messaging;

import ai.dsp.platform.auth.ratelimit.Buckets;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import java.time.Duration;

/**
 * Rate-limit buckets in Redis, shared by every replica: one key per bucket
 * ({@code <prefix>:ratelimit:<bucket>}), updated by compare-and-swap so that concurrent calls on
 * different replicas never spend the same token twice, and expiring once the bucket would be
 * full again. The connection is Spring Data Redis's client (its URL, password and TLS), opened on
 * the first call; a call that Redis does not answer within {@code timeout} fails, and the limiter
 * lets it through unchecked.
 */
public final class RedisBuckets implements Buckets, AutoCloseable {

    private static final RedisCodec<String, byte[]> KEYS_AND_STATES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** Kept a little beyond the time to refill, so that a bucket read just before it is full is not lost. */
    private static final Duration KEEP_AFTER_FULL = Duration.ofSeconds(5);

    private final LettuceConnectionFactory connections;
    private final String prefix;
    private final Duration timeout;
    private volatile ProxyManager<String> proxies;
    private StatefulRedisConnection<String, byte[]> connection;

    public RedisBuckets(LettuceConnectionFactory connections, String keyPrefix, Duration timeout) {
        this.connections = connections;
        this.prefix = keyPrefix + ":ratelimit:";
        this.timeout = timeout;
    }

    @Override
    public Bucket bucket(String key, BucketConfiguration configuration) {
        return proxies().builder().build(prefix + key, () -> configuration);
    }

    private ProxyManager<String> proxies() {
        ProxyManager<String> ready = proxies;
        return ready != null ? ready : connect();
    }

    private synchronized ProxyManager<String> connect() {
        if (proxies == null) {
            AbstractRedisClient client = connections.getRequiredNativeClient();
            if (!(client instanceof RedisClient standalone)) {
                throw new IllegalStateException("rate limits on Redis need a standalone Redis (spring.data.redis.url), not "
                        + client.getClass().getSimpleName());
            }
            connection = standalone.connect(KEYS_AND_STATES);
            proxies = Bucket4jLettuce.casBasedBuilder(connection)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                    .requestTimeout(timeout)
                    .build();
        }
        return proxies;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
