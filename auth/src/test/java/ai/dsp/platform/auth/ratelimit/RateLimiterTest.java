package ai.dsp.platform.auth.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final ManualClock clock = new ManualClock();
    private final Quotas quotas = new Quotas(new RateLimitProperties(true, 60, Map.of(), null));
    private final RateLimiter limiter = new RateLimiter(quotas, new LocalBuckets(RateLimiter.LOCAL_BUCKETS, clock));
    private final Map<String, Object> alice = Map.of("sub", "alice", "rate_limit", 3);

    @Test
    void aCallerGetsTheLimitsCallsAtOnceThenOneEveryMinuteOverTheLimit() {
        for (int left = 2; left >= 0; left--) {
            Decision call = limiter.tryCall(alice);
            assertThat(call.allowed()).isTrue();
            assertThat(call.checked()).isTrue();
            assertThat(call.remaining()).isEqualTo(left);
        }
        Decision refused = limiter.tryCall(alice);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(refused.untilFull()).isEqualTo(Duration.ofMinutes(1));

        clock.advance(Duration.ofSeconds(20));
        Decision later = limiter.tryCall(alice);
        assertThat(later.allowed()).isTrue();
        assertThat(later.remaining()).isZero();
        assertThat(later.untilFull()).isEqualTo(Duration.ofMinutes(1));
        assertThat(limiter.tryCall(alice).allowed()).isFalse();
    }

    @Test
    void callersHaveBucketsOfTheirOwn() {
        for (int i = 0; i < 3; i++) {
            limiter.tryCall(alice);
        }

        assertThat(limiter.tryCall(alice).allowed()).isFalse();
        assertThat(limiter.tryCall(Map.of("sub", "bob", "rate_limit", 3)).allowed()).isTrue();
        assertThat(limiter.tryCall(Map.of("sub", "alice", "api_key_id", "k-1", "rate_limit", 3)).allowed()).isTrue();
    }

    @Test
    void tokensOfOneApiKeyShareItsBucket() {
        assertThat(limiter.tryCall(Map.of("sub", "svc-a", "api_key_id", "k-1", "rate_limit", 2)).allowed()).isTrue();
        assertThat(limiter.tryCall(Map.of("sub", "svc-b", "api_key_id", "k-1", "rate_limit", 2)).allowed()).isTrue();

        assertThat(limiter.tryCall(Map.of("sub", "svc-c", "api_key_id", "k-1", "rate_limit", 2)).allowed()).isFalse();
    }

    @Test
    void aChangedLimitStartsAFullBucket() {
        for (int i = 0; i < 3; i++) {
            limiter.tryCall(alice);
        }

        Decision raised = limiter.tryCall(Map.of("sub", "alice", "rate_limit", 10));
        assertThat(raised.allowed()).isTrue();
        assertThat(raised.remaining()).isEqualTo(9);
    }

    @Test
    void whileTheBucketStoreCannotAnswerCallsGoThroughUnchecked() {
        RateLimiter storeDown = new RateLimiter(quotas, (key, configuration) -> {
            throw new IllegalStateException("connection refused");
        });

        Decision call = storeDown.tryCall(alice);

        assertThat(call.allowed()).isTrue();
        assertThat(call.checked()).isFalse();
        assertThat(call.quota()).isEqualTo(new Quota("user:alice", Quota.Kind.USER, 3));
    }
}
