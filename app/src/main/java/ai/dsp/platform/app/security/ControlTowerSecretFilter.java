package ai.dsp.platform.app.security;

import ai.dsp.platform.auth.TooManyAttemptsException;
import ai.dsp.platform.auth.user.LoginThrottle;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's Control Tower headers on the Control Tower's paths: {@code X-DSPAI-Client-Secret}
 * of the superuser makes the call an admin's (subject {@code superuser}); with
 * {@code X-DSPAI-Client-ID} and that client's secret it is the policy client's (subject
 * {@code client:<id>}, no roles: enough to read and evaluate). Wrong secrets are refused with
 * 401 and count against the login throttle, as wrong passwords do. A request with
 * {@code Authorization} is left to the bearer-token filter.
 */
final class ControlTowerSecretFilter extends OncePerRequestFilter {

    static final String SECRET_HEADER = "X-DSPAI-Client-Secret";
    static final String CLIENT_HEADER = "X-DSPAI-Client-ID";
    /** The Control Tower's root paths (DESIGN.md, "One HTTP surface"). */
    static final List<String> PATHS = List.of("/manifests", "/module-types", "/policies", "/evaluate", "/batch-evaluate", "/user-policies");

    private final ControlTowerClients clients;
    private final LoginThrottle throttle;
    private final JwtAuthenticationConverter converter;
    private final JsonErrors errors;
    private final PlatformMetrics metrics;
    private final SecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();

    ControlTowerSecretFilter(ControlTowerClients clients, LoginThrottle throttle, JwtAuthenticationConverter converter, JsonErrors errors,
                             PlatformMetrics metrics) {
        this.clients = clients;
        this.throttle = throttle;
        this.converter = converter;
        this.errors = errors;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return request.getHeader(SECRET_HEADER) == null || request.getHeader("Authorization") != null
                || PATHS.stream().noneMatch(root -> path.equals(root) || path.startsWith(root + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String clientId = request.getHeader(CLIENT_HEADER);
        String account = clientId == null ? ControlTowerClients.SUPERUSER : ControlTowerClients.CLIENT_PREFIX + clientId;
        try {
            throttle.check(account, request.getRemoteAddr());
        } catch (TooManyAttemptsException e) {
            response.setHeader("Retry-After", String.valueOf(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
            errors.respond(request, response, 429, "too_many_requests", e.getMessage());
            return;
        }
        Optional<String> subject = clients.authenticate(clientId, request.getHeader(SECRET_HEADER));
        if (subject.isEmpty()) {
            throttle.failed(account, request.getRemoteAddr());
            metrics.authFailure("invalid_client_secret");
            errors.commence(request, response, new InvalidBearerTokenException("Invalid Control Tower client credentials"));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(converter.convert(asJwt(subject.get())));
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        chain.doFilter(request, response);
    }

    private static Jwt asJwt(String subject) {
        List<String> roles = subject.equals(ControlTowerClients.SUPERUSER) ? List.of(SecurityConfiguration.ADMIN) : List.of();
        Instant now = Instant.now();
        return new Jwt("control-tower:" + subject, now, now.plusSeconds(60), Map.of("typ", "control-tower-secret"),
                Map.of("sub", subject, "roles", roles));
    }
}
