package ai.dsp.platform.auth.ratelimit;

import java.util.Collection;
import java.util.Map;

/**
 * A verified token's quota: an API key's calls count against the key (every token issued from
 * it shares one bucket), anyone else's against the user. The limit is the token's
 * {@code rate_limit} claim (the seed's API-key tiers put it there), else the highest default of
 * the caller's roles, else the one default.
 */
public final class Quotas {

    static final String API_KEY_ID = "api_key_id";
    static final String RATE_LIMIT = "rate_limit";
    static final String ROLES = "roles";
    static final String SUBJECT = "sub";

    private final Map<String, Integer> roleDefaults;
    private final long defaultRpm;

    public Quotas(RateLimitProperties properties) {
        this.roleDefaults = properties.roleDefaults();
        this.defaultRpm = properties.defaultRpm();
    }

    public Quota of(Map<String, Object> claims) {
        Object keyId = claims.get(API_KEY_ID);
        long limit = claimedLimit(claims.get(RATE_LIMIT));
        if (limit <= 0) {
            limit = roleDefault(claims.get(ROLES));
        }
        return keyId != null && !keyId.toString().isBlank()
                ? new Quota("key:" + keyId, Quota.Kind.KEY, limit)
                : new Quota("user:" + claims.get(SUBJECT), Quota.Kind.USER, limit);
    }

    /** A positive number, or digits as a key file may write them; anything else is no claim (0). */
    private static long claimedLimit(Object claim) {
        if (claim instanceof Number number) {
            return number.longValue();
        }
        if (claim instanceof String text && text.matches("\\d{1,18}")) {
            return Long.parseLong(text);
        }
        return 0;
    }

    private long roleDefault(Object roles) {
        if (!(roles instanceof Collection<?> names)) {
            return defaultRpm;
        }
        return names.stream().map(role -> roleDefaults.get(String.valueOf(role))).filter(limit -> limit != null)
                .mapToLong(Integer::longValue).max().orElse(defaultRpm);
    }
}
