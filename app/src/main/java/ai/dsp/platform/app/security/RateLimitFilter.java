package ai.dsp.platform.app.security;

import ai.dsp.platform.auth.ratelimit.Decision;
import ai.dsp.platform.auth.ratelimit.RateLimiter;
import ai.dsp.platform.metrics.PlatformMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;

/**
 * Right after the bearer token is verified: the call takes one from its caller's rate limit
 * ({@link RateLimiter}: per API key or per user). Over the limit it ends here with 429,
 * {@code Retry-After} and the platform's error body, recorded in the audit trail like the other
 * refusals. Every checked answer says where the caller stands: {@code X-RateLimit-Limit} (calls
 * per minute), {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset} (seconds until the bucket
 * is full again). Calls without a verified token (the token endpoints, public paths) are not
 * counted here; logins have their own throttle.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    static final String LIMIT = "X-RateLimit-Limit";
    static final String REMAINING = "X-RateLimit-Remaining";
    static final String RESET = "X-RateLimit-Reset";

    private final RateLimiter limiter;
    private final PlatformMetrics metrics;
    private final JsonErrors errors;

    RateLimitFilter(RateLimiter limiter, PlatformMetrics metrics, JsonErrors errors) {
        this.limiter = limiter;
        this.metrics = metrics;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!(SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken caller)) {
            chain.doFilter(request, response);
            return;
        }
        Decision decision = limiter.tryCall(caller.getToken().getClaims());
        if (decision.checked()) {
            response.setHeader(LIMIT, Long.toString(decision.quota().perMinute()));
            response.setHeader(REMAINING, Long.toString(decision.remaining()));
            response.setHeader(RESET, Long.toString(seconds(decision.untilFull())));
        } else {
            metrics.rateLimitUnchecked();
        }
        if (decision.allowed()) {
            chain.doFilter(request, response);
            return;
        }
        metrics.rateLimited(decision.quota().kind().label());
        long retryAfter = Math.max(1, seconds(decision.retryAfter()));
        response.setStatus(429);
        response.setHeader("Retry-After", Long.toString(retryAfter));
        errors.write(request, response, "too_many_requests", "rate limit of " + decision.quota().perMinute()
                + " calls per minute reached; retry in " + retryAfter + " s", caller.getName());
    }

    /** Whole seconds, rounded up: a client waiting that long is let in. */
    private static long seconds(Duration duration) {
        return (duration.toNanos() + 999_999_999L) / 1_000_000_000L;
    }
}
