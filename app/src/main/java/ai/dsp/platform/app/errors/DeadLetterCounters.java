package ai.dsp.platform.app.errors;

import ai.dsp.platform.metrics.PlatformMetrics;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

import java.util.Set;

/**
 * Shows the dead-letter counter of every route fed by a message source (a bus, a remote folder,
 * the drop folder) at 0 from the moment it starts, so that {@code increase()} in the
 * DspDeadLettersGrowing alert sees its first dead letter too. Routes called by other routes or
 * answering HTTP never dead-letter and get no counter.
 */
@Component
public class DeadLetterCounters extends EventNotifierSupport {

    private static final Set<String> NOT_A_SOURCE = Set.of("direct", "platform-http", "rest", "timer", "scheduler", "seda");

    private final PlatformMetrics metrics;

    public DeadLetterCounters(PlatformMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteStartedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Route route = ((CamelEvent.RouteStartedEvent) event).getRoute();
        String scheme = route.getEndpoint().getEndpointUri().split(":", 2)[0];
        if (!NOT_A_SOURCE.contains(scheme)) {
            metrics.expectDeadLetters(route.getRouteId());
        }
    }
}
