package ai.dsp.platform.app.security;

import ai.dsp.platform.app.errors.ErrorBody;
import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.app.http.HttpEntry;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/**
 * 401 and 403 from the security filters (and the rate limit's 429): the status and
 * {@code WWW-Authenticate} as RFC 6750 puts them, with the platform's one error body. The message says what is missing, not why a
 * token failed beyond "expired" or "invalid".
 */
final class JsonErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();
    private final ObjectMapper json;
    private final PlatformMetrics metrics;
    private final AuditTrail audit;

    JsonErrors(ObjectMapper json, PlatformMetrics metrics, AuditTrail audit) {
        this.json = json;
        this.metrics = metrics;
        this.audit = audit;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure) throws IOException {
        bearer.commence(request, response, failure);
        if (!(failure instanceof InvalidBearerTokenException)) {
            // a refused token was counted with its reason by the decoder
            metrics.authFailure("missing");
        }
        write(request, response, "unauthorized", message(failure), null);
    }

    private static String message(AuthenticationException failure) {
        if (!(failure instanceof InvalidBearerTokenException)) {
            return "authentication required: send Authorization: Bearer <token> (POST /token issues one) or X-API-Key";
        }
        return ApiKeyAuthenticationFilter.REFUSED.equals(failure.getMessage()) ? "the API key was refused"
                : "the bearer token was refused (" + failure.getMessage() + ")";
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException failure) throws IOException {
        denied.handle(request, response, failure);
        metrics.authFailure("forbidden");
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        write(request, response, "forbidden", "this needs the " + SecurityConfiguration.ADMIN + " role",
                caller == null ? null : caller.getName());
    }

    /** Any other refusal of the security filters, with the same body and audit record. */
    void respond(HttpServletRequest request, HttpServletResponse response, int status, String error, String message) throws IOException {
        response.setStatus(status);
        write(request, response, error, message, null);
    }

    /** The error body for the status already set, recorded in the audit trail as a refusal. */
    void write(HttpServletRequest request, HttpServletResponse response, String error, String message, String principal)
            throws IOException {
        String requestId = HttpEntry.requestIdOf(request.getHeader(HttpEntry.REQUEST_ID));
        audit.refused(request, response.getStatus(), requestId, principal);
        response.setHeader(HttpEntry.REQUEST_ID, requestId);
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), new ErrorBody(error, message, requestId));
    }
}
