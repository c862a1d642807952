package ai.dsp.platform.app.health;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code GET /metrics}: the registry that {@code /actuator/prometheus} serves, at the path the
 * seed's Prometheus configuration scrapes. OpenMetrics when the scraper asks for it, else
 * Prometheus's text format.
 */
@Component("metricsScrape")
public class MetricsScrape {

    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsScrape(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    public String scrape(Exchange exchange) {
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPEN_METRICS : TEXT;
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        return registry.scrape(contentType);
    }
}
