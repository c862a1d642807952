package ai.dsp.platform.app;

import ai.dsp.platform.app.messaging.RedisBuckets;
import ai.dsp.platform.auth.ratelimit.Decision;
import ai.dsp.platform.auth.ratelimit.Quotas;
import ai.dsp.platform.auth.ratelimit.RateLimitProperties;
import ai.dsp.platform.auth.ratelimit.RateLimiter;
import ai.dsp.platform.testing.ChildProcess;
import ai.dsp.platform.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rate-limit buckets in a real Redis (the harness's): shared by replicas, expiring, and failing open. */
class RedisBucketsTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final RedisTemplates redis = new RedisTemplates("ratelimit", RedisServer.shared().port());
    private final Quotas quotas = new Quotas(new RateLimitProperties(true, 60, Map.of(), null));
    private final List<RedisBuckets> opened = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        opened.forEach(RedisBuckets::close);
        redis.close();
    }

    @Test
    void replicasTakeFromOneBucketThatExpiresOnceItWouldBeFull() {
        RateLimiter one = limiter(RedisServer.shared().port());
        RateLimiter other = limiter(RedisServer.shared().port());
        Map<String, Object> alice = Map.of("sub", "alice", "rate_limit", 3);

        assertThat(one.tryCall(alice).remaining()).isEqualTo(2);
        assertThat(other.tryCall(alice).remaining()).isEqualTo(1);
        assertThat(one.tryCall(alice).remaining()).isZero();
        Decision refused = other.tryCall(alice);

        assertThat(refused.checked()).isTrue();
        assertThat(refused.allowed()).isFalse();
        Long ttl = redis.template().getExpire(redis.prefix + ":ratelimit:user:alice:3");
        assertThat(ttl).isBetween(50L, 66L);
    }

    @Test
    void whileRedisCannotAnswerCallsGoThroughUnchecked() {
        RateLimiter down = limiter(ChildProcess.freeLoopbackPorts(1)[0]);

        long started = System.nanoTime();
        Decision call = down.tryCall(Map.of("sub", "alice", "rate_limit", 1));
        Decision again = down.tryCall(Map.of("sub", "alice", "rate_limit", 1));

        assertThat(call.allowed()).isTrue();
        assertThat(call.checked()).isFalse();
        assertThat(again.allowed()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    private RateLimiter limiter(int port) {
        RedisBuckets buckets = new RedisBuckets(redis.connections(port), redis.prefix, TIMEOUT);
        opened.add(buckets);
        return new RateLimiter(quotas, buckets);
    }
}
