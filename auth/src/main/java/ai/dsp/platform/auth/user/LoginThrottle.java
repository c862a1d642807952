package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.TooManyAttemptsException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows password guessing: every refused login takes a token from the bucket of its username
 * and of its client address (bucket4j, refilled evenly over the window); while either is empty,
 * logins from there are refused with 429 before the password is checked. Successful logins
 * take nothing. In process: each replica counts its own attempts.
 */
public final class LoginThrottle {

    /** Buckets kept at most; the least recently used go first (an attacker's random names cannot grow the heap). */
    static final int MAX_BUCKETS = 100_000;

    private final Bandwidth perAccount;
    private final Bandwidth perAddress;
    private final TimeMeter clock;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_BUCKETS;
        }
    };

    public LoginThrottle(int failuresPerAccount, int failuresPerAddress, Duration window, TimeMeter clock) {
        this.perAccount = Bandwidth.builder().capacity(failuresPerAccount).refillGreedy(failuresPerAccount, window).build();
        this.perAddress = Bandwidth.builder().capacity(failuresPerAddress).refillGreedy(failuresPerAddress, window).build();
        this.clock = clock;
    }

    /** Refuses the attempt (429) while the account or the address has no attempts left. */
    public void check(String username, String address) {
        long waitNanos = Math.max(waitFor("account:" + username, perAccount), waitFor("address:" + address, perAddress));
        if (waitNanos > 0) {
            throw new TooManyAttemptsException(Duration.ofNanos(waitNanos));
        }
    }

    /** A refused login: one attempt less for the account and for the address. */
    public void failed(String username, String address) {
        bucket("account:" + username, perAccount).tryConsume(1);
        bucket("address:" + address, perAddress).tryConsume(1);
    }

    private long waitFor(String key, Bandwidth bandwidth) {
        Bucket bucket = bucket(key, bandwidth);
        return bucket.getAvailableTokens() > 0 ? 0 : bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
    }

    private synchronized Bucket bucket(String key, Bandwidth bandwidth) {
        return buckets.computeIfAbsent(key, k -> Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(clock).build());
    }
}
