package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.TooManyAttemptsException;
import ai.dsp.platform.auth.ratelimit.Buckets;
import ai.dsp.platform.auth.ratelimit.LocalBuckets;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;

/**
 * Slows password guessing: every refused login takes a token from the bucket of its username
 * and of its client address (bucket4j, refilled evenly over the window); while either is empty,
 * logins from there are refused with 429 before the password is checked. Successful logins
 * take nothing. In process: each replica counts its own attempts.
 */
public final class LoginThrottle {

    /** Buckets kept at most (an attacker's random names cannot grow the heap). */
    static final int MAX_BUCKETS = 100_000;

    private final BucketConfiguration perAccount;
    private final BucketConfiguration perAddress;
    private final LocalBuckets buckets;

    public LoginThrottle(int failuresPerAccount, int failuresPerAddress, Duration window, TimeMeter clock) {
        this.perAccount = Buckets.refilledEvenly(failuresPerAccount, window);
        this.perAddress = Buckets.refilledEvenly(failuresPerAddress, window);
        this.buckets = new LocalBuckets(MAX_BUCKETS, clock);
    }

    /** Refuses the attempt (429) while the account or the address has no attempts left. */
    public void check(String username, String address) {
        long waitNanos = Math.max(waitFor(buckets.bucket("account:" + username, perAccount)),
                waitFor(buckets.bucket("address:" + address, perAddress)));
        if (waitNanos > 0) {
            throw new TooManyAttemptsException(Duration.ofNanos(waitNanos));
        }
    }

    /** A refused login: one attempt less for the account and for the address. */
    public void failed(String username, String address) {
        buckets.bucket("account:" + username, perAccount).tryConsume(1);
        buckets.bucket("address:" + address, perAddress).tryConsume(1);
    }

    private static long waitFor(Bucket bucket) {
        return bucket.getAvailableTokens() > 0 ? 0 : bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    }
}
