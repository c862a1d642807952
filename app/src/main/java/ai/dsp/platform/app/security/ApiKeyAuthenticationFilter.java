package ai.dsp.platform.app.security;

import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.apikey.ApiKeyService;
import ai.dsp.platform.auth.apikey.ClaimUnavailableException;
import ai.dsp.platform.metrics.PlatformMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code X-API-Key: <key>} instead of a bearer token: the caller is the key's owner with the
 * key's claims, as a token issued for the key would carry them, so everything after
 * authentication (roles, ACL, rate limits, audit) treats both alike. A request that also has
 * {@code Authorization} is left to the bearer-token filter.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    /** The refusal's reason, told apart from a bearer token's by the error body. */
    static final String REFUSED = "invalid API key";

    private final ApiKeyService keys;
    private final JwtAuthenticationConverter converter;
    private final JsonErrors errors;
    private final PlatformMetrics metrics;
    private final SecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();

    ApiKeyAuthenticationFilter(ApiKeyService keys, JwtAuthenticationConverter converter, JsonErrors errors,
                               PlatformMetrics metrics) {
        this.keys = keys;
        this.converter = converter;
        this.errors = errors;
        this.metrics = metrics;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null || request.getHeader("Authorization") != null) {
            chain.doFilter(request, response);
            return;
        }
        ApiKeyService.Grant grant;
        try {
            grant = keys.forKey(presented.strip());
        } catch (AuthenticationFailedException e) {
            metrics.authFailure("invalid_api_key");
            errors.commence(request, response, new InvalidBearerTokenException(REFUSED));
            return;
        } catch (ClaimUnavailableException e) {
            response.setHeader("Retry-After", "5");
            errors.respond(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "unavailable", e.getMessage());
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(converter.convert(asJwt(grant)));
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        chain.doFilter(request, response);
    }

    /** The grant in the shape Spring Security's bearer tokens have; its value names the key, never holds it. */
    private static Jwt asJwt(ApiKeyService.Grant grant) {
        Map<String, Object> claims = new LinkedHashMap<>(grant.claims());
        claims.put("sub", grant.subject());
        Instant now = Instant.now();
        return new Jwt("api-key:" + grant.key().id(), now, now.plusSeconds(60), Map.of("typ", "api-key"), claims);
    }
}
