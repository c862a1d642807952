package ai.dsp.platform.app.http;

import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.app.security.AccessScope;
import ai.dsp.platform.app.security.Caller;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * First step of every HTTP route: records who the verified caller is ({@link Caller}) and what
 * they may see ({@link AccessScope}), has the call audited ({@link AuditTrail}), drops any
 * {@code Camel*} header a client sent (any case), so no caller can steer a component
 * (CVE-2025-27636 class), and gives the request its id.
 */
@Component("httpEntry")
public class HttpEntry {

    public static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern CALLER_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    private final AccessScope scope;
    private final AuditTrail audit;

    public HttpEntry(AccessScope scope, AuditTrail audit) {
        this.scope = scope;
        this.audit = audit;
    }

    public void accept(Exchange exchange) {
        Caller.capture(exchange);
        scope.capture(exchange);
        exchange.getMessage().getHeaders().keySet().removeIf(HttpEntry::isCamelHeader);
        exchange.getMessage().setHeader(REQUEST_ID, requestIdOf(exchange.getMessage().getHeader(REQUEST_ID, String.class)));
        audit.watch(exchange);
    }

    /** The caller's request id when it is a sane one, else a new one. */
    public static String requestIdOf(String callerId) {
        return callerId != null && CALLER_REQUEST_ID.matcher(callerId).matches() ? callerId : UUID.randomUUID().toString();
    }

    public static String requestId(Exchange exchange) {
        String id = exchange.getMessage().getHeader(REQUEST_ID, String.class);
        return id != null ? id : exchange.getExchangeId();
    }

    static boolean isCamelHeader(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith("camel");
    }
}
