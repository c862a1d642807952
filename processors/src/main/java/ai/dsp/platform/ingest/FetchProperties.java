package ai.dsp.platform.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * Which {@code uri}s a message may ask the platform to fetch: only those starting with one of
 * {@code allowedUris} (e.g. {@code file:/srv/shared/}, {@code https://docs.example.com/}).
 * Empty means none: a message must then carry its content.
 */
@ConfigurationProperties("dsp.ingest.fetch")
public record FetchProperties(List<String> allowedUris, Duration timeout) {

    public FetchProperties {
        allowedUris = allowedUris == null ? List.of() : allowedUris.stream().filter(uri -> !uri.isBlank()).toList();
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }
}
