package ai.dsp.platform.app.http;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Set;

/**
 * Which message headers become HTTP response headers: only those the platform sets on purpose.
 * A request's headers stay on the Camel message while the route runs, and the Spring Boot
 * platform-http binding would otherwise copy every one of them into the response, echoing a
 * caller's {@code Authorization}, cookies and query parameters back. A route that needs another
 * response header adds it here. Request headers are let in as Camel's HTTP strategy does
 * ({@code Camel*} dropped, and {@link HttpEntry} drops them again in any case).
 * <p>
 * Headers a servlet filter writes on the response itself ({@code X-RateLimit-*} of the rate
 * limit) reach the client without passing here, and must not be listed: listing them would also
 * copy a caller's request header of the same name into the answer, beside the real one.
 */
@Component("responseHeaders")
public class ResponseHeaders extends HttpHeaderFilterStrategy {

    static final Set<String> ALLOWED = Set.of(
            HttpEntry.REQUEST_ID.toLowerCase(Locale.ROOT),
            "location", "retry-after", "content-disposition", "cache-control", "etag", "last-modified",
            "deprecation", "sunset", "link", "www-authenticate", "allow", "vary");

    /** True filters the header out of the response. Content-Type is written by the binding itself. */
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return headerName == null || !ALLOWED.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
