package ai.dsp.platform.auth.ratelimit;

import java.util.Locale;

/**
 * Whose bucket a call takes from and how many calls per minute it holds.
 *
 * @param bucket    {@code key:<api_key_id>} or {@code user:<sub>}
 * @param kind      what the bucket belongs to (a bounded metric label)
 * @param perMinute the limit
 */
public record Quota(String bucket, Kind kind, long perMinute) {

    public enum Kind {
        KEY, USER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
