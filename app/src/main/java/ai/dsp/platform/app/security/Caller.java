package ai.dsp.platform.app.security;

import ai.dsp.platform.app.http.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who made an HTTP call, as Spring Security verified it. Routes run on another thread than the
 * request (platform-http hands the exchange to an executor), so the security context is read
 * from the request, where the bearer-token filter saved it, and kept as an exchange property,
 * which no caller can set.
 */
public record Caller(String subject, List<String> roles, List<String> groups, Map<String, Object> claims) {

    static final String PROPERTY = "DspCaller";

    /** Reads the verified caller of the exchange's HTTP request into the exchange; absent for anonymous calls. */
    public static void capture(Exchange exchange) {
        exchange.removeProperty(PROPERTY);
        ClientAddress.request(exchange).flatMap(Caller::fromRequest).ifPresent(caller -> exchange.setProperty(PROPERTY, caller));
    }

    /** The id of the API key behind the call: an {@code X-API-Key}, or a token issued for a key. */
    public Optional<String> apiKeyId() {
        return Optional.ofNullable(claims.get("api_key_id")).map(String::valueOf);
    }

    public static Optional<Caller> of(Exchange exchange) {
        return Optional.ofNullable(exchange.getProperty(PROPERTY, Caller.class));
    }

    private static Optional<Caller> fromRequest(HttpServletRequest request) {
        if (request.getAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME) instanceof SecurityContext context
                && context.getAuthentication() instanceof JwtAuthenticationToken token && token.isAuthenticated()) {
            Map<String, Object> claims = token.getToken().getClaims();
            return Optional.of(new Caller(token.getName(), strings(claims.get("roles")), strings(claims.get("groups")), claims));
        }
        return Optional.empty();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
