package ai.dsp.platform.app.routes;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last failure of each route, failed or handled by the error policy, for the route admin API:
 * when, the exception's type and the first line of its message (at most 300 characters).
 */
@Component
public class RouteFailures extends EventNotifierSupport {

    /** A route's last failure. */
    public record Failure(Instant at, String exchangeId, String type, String message) {
    }

    private static final int MAX_MESSAGE = 300;
    private final Map<String, Failure> last = new ConcurrentHashMap<>();

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeFailedEvent || event instanceof CamelEvent.ExchangeFailureHandledEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        String route = exchange.getFromRouteId();
        Throwable cause = exchange.getException() != null ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (route == null || cause == null) {
            return;
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage().lines().findFirst().orElse("");
        last.put(route, new Failure(Instant.now(), exchange.getExchangeId(), cause.getClass().getName(),
                message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message));
    }

    public Optional<Failure> last(String routeId) {
        return Optional.ofNullable(last.get(routeId));
    }
}
