package ai.dsp.platform.store.elasticsearch;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The Elasticsearch cluster of the production store ({@code dsp.store.type=elasticsearch}).
 * Credentials come from the environment ({@code DSP_ELASTICSEARCH_USERNAME/PASSWORD}).
 * {@code refreshInterval} bounds how long a write waits to become searchable; {@code bulkRetries}
 * bounds how often items answered 429/5xx are retried before the store counts as unavailable.
 */
@Validated
@ConfigurationProperties("dsp.elasticsearch")
public record ElasticsearchProperties(
        List<URI> urls,
        String username,
        String password,
        @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,31}") String indexPrefix,
        @Min(0) @Max(5) Integer replicas,
        Duration refreshInterval,
        @Min(0) @Max(20) Integer bulkRetries,
        Duration bulkBackoff) {

    public ElasticsearchProperties {
        urls = urls == null || urls.isEmpty() ? List.of(URI.create("http://localhost:9200")) : List.copyOf(urls);
        indexPrefix = indexPrefix == null ? "dsp" : indexPrefix;
        replicas = replicas == null ? 0 : replicas;
        refreshInterval = refreshInterval == null ? Duration.ofMillis(250) : refreshInterval;
        bulkRetries = bulkRetries == null ? 5 : bulkRetries;
        bulkBackoff = bulkBackoff == null ? Duration.ofMillis(200) : bulkBackoff;
    }

    public boolean hasCredentials() {
        return username != null && !username.isBlank();
    }

    /** Keeps the password out of logs and actuator output. */
    @Override
    public String toString() {
        return "ElasticsearchProperties[urls=" + urls + ", username=" + username + ", indexPrefix=" + indexPrefix
                + ", replicas=" + replicas + ", refreshInterval=" + refreshInterval + "]";
    }
}
