package ai.dsp.platform.metrics;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Domain metrics. {@code maxCollections}: how many distinct collection names become label values
 * before the rest are counted as {@code _other}; collections are named by senders (a Kafka
 * message, an inbox sub-folder), and an unbounded label would swamp Prometheus.
 */
@Validated
@ConfigurationProperties("dsp.metrics")
public record MetricsProperties(@Min(1) Integer maxCollections) {

    public MetricsProperties {
        maxCollections = maxCollections == null ? 100 : maxCollections;
    }
}
