package ai.dsp.platform.auth.ratelimit;

import io.github.bucket4j.ConsumptionProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call takes one token from its caller's bucket (bucket4j): a bucket holds the caller's
 * calls per minute and refills evenly over the minute, so a caller may spend a minute's calls at
 * once and then one every {@code 60 s / limit}. The limit is part of the bucket's name: a changed
 * limit starts a full bucket of its own rather than reinterpreting the old one.
 * <p>
 * When the bucket store (Redis) cannot answer, the call is let through unchecked: a rate limit
 * guards capacity, and an outage of its store must not take the whole API down with it.
 */
public final class RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    /** Buckets one process keeps at most; tokens are signed, so only real callers make them. */
    public static final int LOCAL_BUCKETS = 100_000;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final Quotas quotas;
    private final Buckets buckets;
    /** Logged once when the store starts failing and once when it answers again, not per call. */
    private final AtomicBoolean storeFailing = new AtomicBoolean();

    public RateLimiter(Quotas quotas, Buckets buckets) {
        this.quotas = quotas;
        this.buckets = buckets;
    }

    /** Takes a call from the bucket of the caller these verified claims name. */
    public Decision tryCall(Map<String, Object> claims) {
        Quota quota = quotas.of(claims);
        ConsumptionProbe probe;
        try {
            probe = buckets.bucket(quota.bucket() + ":" + quota.perMinute(), Buckets.refilledEvenly(quota.perMinute(), MINUTE))
                    .tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            if (storeFailing.compareAndSet(false, true)) {
                LOG.warn("rate limits cannot be checked, calls go through unchecked until the bucket store answers: {}", e.toString());
            }
            return Decision.unchecked(quota);
        }
        if (storeFailing.compareAndSet(true, false)) {
            LOG.info("rate limits are checked again");
        }
        return new Decision(quota, probe.isConsumed(), true, probe.getRemainingTokens(),
                Duration.ofNanos(probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill()), Duration.ofNanos(probe.getNanosToWaitForReset()));
    }
}
