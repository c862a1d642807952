package ai.dsp.platform.app.http;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

import java.util.Optional;

/**
 * The address a call came from: the servlet request's remote address, which Tomcat takes from
 * {@code X-Forwarded-For} only when the connection comes from a trusted proxy
 * ({@code server.forward-headers-strategy: native}), so a client cannot choose it.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(Exchange exchange) {
        return request(exchange).map(HttpServletRequest::getRemoteAddr).orElse("unknown");
    }

    /**
     * The servlet request behind an HTTP exchange: platform-http keeps it on its message, and it
     * holds what the route's thread cannot see otherwise (the verified caller, the client address).
     */
    public static Optional<HttpServletRequest> request(Exchange exchange) {
        return exchange.getMessage() instanceof PlatformHttpMessage message ? Optional.ofNullable(message.getRequest()) : Optional.empty();
    }
}
