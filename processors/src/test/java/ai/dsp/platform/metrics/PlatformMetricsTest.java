package ai.dsp.platform.metrics;

import ai.dsp.platform.metrics.PlatformMetrics.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PlatformMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PlatformMetrics metrics = new PlatformMetrics(registry, new MetricsProperties(2));

    @Test
    void collectionsBeyondTheLimitAreCountedAsOtherAndTheAdmittedOnesKeepTheirName() {
        metrics.document("kafka:docs", "kb", Outcome.INDEXED, 3, 1_000);
        metrics.document("kafka:docs", "hr", Outcome.INDEXED, 1, 1_000);
        metrics.document("kafka:docs", "random-1", Outcome.INDEXED, 1, 1_000);
        metrics.document("kafka:docs", "random-2", Outcome.FAILED, 0, 1_000);
        metrics.document("kafka:docs", "kb", Outcome.INDEXED, 2, 1_000);

        assertThat(documents("kb", "indexed")).isEqualTo(2);
        assertThat(documents("hr", "indexed")).isEqualTo(1);
        assertThat(documents(BoundedLabel.OTHER, "indexed")).isEqualTo(1);
        assertThat(documents(BoundedLabel.OTHER, "failed")).isEqualTo(1);
        assertThat(registry.get(PlatformMetrics.INGEST_CHUNKS).tag("collection", "kb").counter().count()).isEqualTo(5);
        assertThat(registry.find(PlatformMetrics.INGEST_DOCUMENTS).tag("collection", "random-1").counters()).isEmpty();
    }

    @Test
    void aSourceIsReducedToItsKind() {
        assertThat(PlatformMetrics.sourceKind("inbox:manuals/turbine.pdf")).isEqualTo("inbox");
        assertThat(PlatformMetrics.sourceKind("kafka:dsp.documents.v1")).isEqualTo("kafka");
        assertThat(PlatformMetrics.sourceKind("API:upload")).isEqualTo("api");
        assertThat(PlatformMetrics.sourceKind(null)).isEqualTo(BoundedLabel.NONE);
    }

    @Test
    void onlyAnIndexedDocumentAddsChunksAndAnIngestionTime() {
        metrics.document("inbox:a.txt", "default", Outcome.FAILED, 0, 5_000_000);
        metrics.document("inbox:b.txt", "default", Outcome.UNCHANGED, 0, 5_000_000);

        assertThat(registry.find(PlatformMetrics.INGEST_CHUNKS).counters()).isEmpty();
        assertThat(registry.find(PlatformMetrics.INGEST_DOCUMENT_DURATION).timers()).isEmpty();

        metrics.document("inbox:c.txt", "default", Outcome.INDEXED, 4, 5_000_000);
        assertThat(registry.get(PlatformMetrics.INGEST_DOCUMENT_DURATION).tag("source", "inbox").timer().count()).isEqualTo(1);
    }

    @Test
    void anEmptyResultIsCountedBesideTheQueryTime() {
        metrics.query(PlatformMetrics.Endpoint.RETRIEVE, "keyword", 1_000_000, 0);
        metrics.query(PlatformMetrics.Endpoint.RETRIEVE, "keyword", 1_000_000, 3);

        assertThat(registry.get(PlatformMetrics.QUERY_DURATION).tags("endpoint", "retrieve", "mode", "keyword").timer().count()).isEqualTo(2);
        assertThat(registry.get(PlatformMetrics.RETRIEVAL_EMPTY_RESULTS).tags("endpoint", "retrieve", "mode", "keyword").counter().count())
                .isEqualTo(1);
    }

    @Test
    void gaugesHoldTheLastReading() {
        metrics.storeUp("lucene", true);
        metrics.storeUp("lucene", false);
        metrics.kafkaLag("docs", "ingest", 12);
        metrics.kafkaLag("docs", "ingest", 3);

        assertThat(registry.get(PlatformMetrics.STORE_UP).tag("store", "lucene").gauge().value()).isZero();
        assertThat(registry.get(PlatformMetrics.KAFKA_CONSUMER_LAG).tags("topic", "docs", "group", "ingest").gauge().value()).isEqualTo(3);
    }

    /** Micrometer rounds a summary's value up to a whole number before bucketing: percent keeps the 70 bound exact. */
    @Test
    void topSimilarityLandsInTheBucketOfItsPercent() {
        metrics.topSimilarity("dense", 0.655);
        metrics.topSimilarity("dense", 0.701);

        var summary = registry.get(PlatformMetrics.RETRIEVAL_TOP_SIMILARITY).tag("mode", "dense").summary();
        Map<Double, Double> buckets = new TreeMap<>();
        for (CountAtBucket bucket : summary.takeSnapshot().histogramCounts()) {
            buckets.put(bucket.bucket(), bucket.count());
        }
        assertThat(buckets).containsEntry(60.0, 0.0).containsEntry(70.0, 1.0).containsEntry(80.0, 2.0);
        assertThat(summary.mean()).isCloseTo(67.8, within(1e-9));
    }

    private double documents(String collection, String outcome) {
        return registry.get(PlatformMetrics.INGEST_DOCUMENTS).tags("collection", collection, "outcome", outcome, "source", "kafka")
                .counter().count();
    }

    @Test
    void theFrontDoorsUpstreamMetricsCarryProjectModuleAndHostOnlyAndTheBreakerGaugeFollowsItsState() {
        metrics.upstreamRequest("demo", "chat", "api.groq.com:443", "ok");
        metrics.upstreamRequest("demo", "chat", "api.groq.com:443", "ok");
        metrics.tokens("demo", "chat", 40, 7);
        metrics.tokens("demo", "chat", 2, 1);
        metrics.breakerState("api.groq.com:443", 2);
        metrics.breakerState("api.groq.com:443", 1);

        assertThat(registry.get(PlatformMetrics.FRONTDOOR_UPSTREAM_REQUESTS)
                .tags("project", "demo", "module", "chat", "upstream_host", "api.groq.com:443", "result", "ok").counter().count()).isEqualTo(2);
        assertThat(registry.get(PlatformMetrics.FRONTDOOR_TOKENS).tags("direction", "in").counter().count()).isEqualTo(42);
        assertThat(registry.get(PlatformMetrics.FRONTDOOR_TOKENS).tags("direction", "out").counter().count()).isEqualTo(8);
        assertThat(registry.get(PlatformMetrics.FRONTDOOR_BREAKER_STATE).tag("upstream", "api.groq.com:443").gauge().value()).isEqualTo(1);
        assertThat(registry.find(PlatformMetrics.FRONTDOOR_BREAKER_STATE).gauges()).hasSize(1);
    }
}
