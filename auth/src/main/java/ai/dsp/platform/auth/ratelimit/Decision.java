package ai.dsp.platform.auth.ratelimit;

import java.time.Duration;

/**
 * What the limiter made of one call.
 *
 * @param quota      the caller's bucket and limit
 * @param allowed    whether the call may go on
 * @param checked    false when the bucket store could not answer and the call was let through unchecked
 * @param remaining  calls left in the bucket after this one
 * @param retryAfter how long until one more call would be let in (zero when allowed)
 * @param untilFull  how long until the bucket is full again
 */
public record Decision(Quota quota, boolean allowed, boolean checked, long remaining, Duration retryAfter, Duration untilFull) {

    static Decision unchecked(Quota quota) {
        return new Decision(quota, true, false, quota.perMinute(), Duration.ZERO, Duration.ZERO);
    }
}
