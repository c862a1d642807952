package ai.dsp.platform.app.errors;

import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.web.servlet.error.DefaultErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Errors Spring MVC answers before a route runs (unsupported media type, unknown path) get the
 * same {@code {error, message, requestId}} body as the routes' own errors.
 */
@Component
public class PlatformErrorAttributes extends DefaultErrorAttributes {

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Map<String, Object> spring = super.getErrorAttributes(request, ErrorAttributeOptions.of(ErrorAttributeOptions.Include.MESSAGE));
        Object status = request.getAttribute("jakarta.servlet.error.status_code", RequestAttributes.SCOPE_REQUEST);
        String requestId = request.getHeader("X-Request-Id");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", errorCode(status != null ? status : spring.get("status")));
        body.put("message", messageOr(spring.get("message"), status));
        body.put("requestId", requestId != null ? requestId : UUID.randomUUID().toString());
        return body;
    }

    /** The status's name as the routes' error codes spell them: {@code not_found}, {@code method_not_allowed}. */
    private static String errorCode(Object status) {
        HttpStatus known = status instanceof Integer code ? HttpStatus.resolve(code) : null;
        return known == null ? "error" : known.name().toLowerCase(Locale.ROOT);
    }

    private static String messageOr(Object message, Object status) {
        String text = message == null ? "" : message.toString();
        return text.isBlank() || text.equals("No message available") ? "request failed with HTTP status " + status : text;
    }
}
