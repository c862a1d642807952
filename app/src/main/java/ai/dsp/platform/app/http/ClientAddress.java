package ai.dsp.platform.app.http;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

/**
 * The address a call came from: the servlet request's remote address, which Tomcat takes from
 * {@code X-Forwarded-For} only when the connection comes from a trusted proxy
 * ({@code server.forward-headers-strategy: native}), so a client cannot choose it.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(Exchange exchange) {
        if (exchange.getMessage() instanceof PlatformHttpMessage message && message.getRequest() != null) {
            return message.getRequest().getRemoteAddr();
        }
        return "unknown";
    }
}
