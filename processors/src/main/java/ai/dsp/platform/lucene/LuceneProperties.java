package ai.dsp.platform.lucene;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The embedded Lucene indexes. {@code commitInterval} is the least time between two commits of
 * an index: writes that arrive within it share one commit (see {@link LuceneIndex}), which is
 * what lets parallel ingestion scale; zero commits every write on its own.
 */
@ConfigurationProperties("dsp.lucene")
public record LuceneProperties(Duration commitInterval) {

    public LuceneProperties {
        commitInterval = commitInterval == null ? Duration.ofMillis(200) : commitInterval;
        if (commitInterval.isNegative()) {
            throw new IllegalArgumentException("dsp.lucene.commit-interval must not be negative: " + commitInterval);
        }
    }
}
