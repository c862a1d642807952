package ai.dsp.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every domain metric of the platform, named {@code dsp_<area>_<what>_<unit>} in Prometheus
 * (Micrometer adds {@code _total}, {@code _seconds} and the base unit). docs/OPERATIONS.md has the
 * table an operator reads; a test keeps the two in step. Labels are bounded: sources are kinds
 * ({@code inbox}, {@code api}, {@code kafka}, {@code eval}), collections are capped by
 * {@link MetricsProperties#maxCollections()}, never a document id or a query text.
 */
public final class PlatformMetrics {

    public static final String INGEST_DOCUMENTS = "dsp.ingest.documents";
    public static final String INGEST_CHUNKS = "dsp.ingest.chunks";
    public static final String INGEST_STAGE_DURATION = "dsp.ingest.stage.duration";
    public static final String INGEST_DOCUMENT_DURATION = "dsp.ingest.document.duration";
    public static final String EMBEDDING_TEXTS = "dsp.embedding.texts";
    public static final String EMBEDDING_BATCH_SIZE = "dsp.embedding.batch.size";
    public static final String EMBEDDING_BATCH_DURATION = "dsp.embedding.batch.duration";
    public static final String QUERY_DURATION = "dsp.query.duration";
    public static final String RETRIEVAL_EMPTY_RESULTS = "dsp.retrieval.empty.results";
    public static final String RETRIEVAL_TOP_SIMILARITY = "dsp.retrieval.top.similarity";
    public static final String CACHE_REQUESTS = "dsp.cache.requests";
    public static final String STORE_OPERATION_DURATION = "dsp.store.operation.duration";
    public static final String STORE_ERRORS = "dsp.store.errors";
    public static final String STORE_UP = "dsp.store.up";
    public static final String DEAD_LETTERS = "dsp.dead.letters";
    public static final String KAFKA_CONSUMER_LAG = "dsp.kafka.consumer.lag";
    public static final String AUTH_TOKENS_ISSUED = "dsp.auth.tokens.issued";
    public static final String AUTH_FAILURES = "dsp.auth.failures";
    public static final String AUTH_TOKEN_VALIDATION_DURATION = "dsp.auth.token.validation.duration";
    public static final String AUTH_REVOCATIONS = "dsp.auth.revocations";
    public static final String AUTH_RATE_LIMITED = "dsp.auth.rate.limited";
    public static final String AUTH_RATE_LIMIT_UNCHECKED = "dsp.auth.rate.limit.unchecked";
    public static final String CONTROL_TOWER_MANIFEST_OPERATIONS = "dsp.controltower.manifest.operations";
    public static final String CONTROL_TOWER_MODULES = "dsp.controltower.modules";
    public static final String FRONTDOOR_REQUESTS = "dsp.frontdoor.requests";
    public static final String FRONTDOOR_REQUEST_DURATION = "dsp.frontdoor.request.duration";
    public static final String FRONTDOOR_ENSEMBLE_AGREEMENT = "dsp.frontdoor.ensemble.agreement";
    public static final String FRONTDOOR_UPSTREAM_REQUESTS = "dsp.frontdoor.upstream.requests";
    public static final String FRONTDOOR_UPSTREAM_DURATION = "dsp.frontdoor.upstream.duration";
    public static final String FRONTDOOR_TIME_TO_FIRST_TOKEN = "dsp.frontdoor.time.to.first.token";
    public static final String FRONTDOOR_RETRIES = "dsp.frontdoor.retries";
    public static final String FRONTDOOR_FALLBACKS = "dsp.frontdoor.fallbacks";
    public static final String FRONTDOOR_BREAKER_STATE = "dsp.frontdoor.breaker.state";
    public static final String FRONTDOOR_TOKENS = "dsp.frontdoor.tokens";

    /** Buckets at the seed's thresholds (0.5 s and 2 s) and around them. */
    private static final Duration[] QUERY_BUCKETS = durations(5, 10, 25, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000);
    private static final Duration[] STAGE_BUCKETS = durations(5, 10, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000);
    /**
     * In percent, not as a 0..1 ratio: Micrometer rounds a summary's value up to a whole number
     * before choosing its bucket, which keeps whole-number bounds exact and would put every ratio
     * in one bucket. 70 is the seed's 0.7 threshold.
     */
    /** A token check takes well under a millisecond; the buckets show where it does not. */
    private static final Duration[] VALIDATION_BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25)};
    /** Model calls take from a fraction of a second to minutes for long answers. */
    private static final Duration[] UPSTREAM_BUCKETS = durations(100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000);
    private static final Duration[] FIRST_TOKEN_BUCKETS = durations(50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000);
    private static final double[] SIMILARITY_BUCKETS = {30, 40, 50, 60, 70, 80, 90, 100};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

    /** What became of a document that reached the pipeline. */
    public enum Outcome { INDEXED, FAILED, UNCHANGED }

    public enum Stage { EXTRACT, CHUNK, EMBED, STORE, GRAPH }

    /** What a text is embedded for. */
    public enum Use { PASSAGE, QUERY }

    public enum Endpoint { RETRIEVE, QUERY }

    private final MeterRegistry registry;
    private final BoundedLabel collections;
    private final Map<String, AtomicLong> storeUp = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> kafkaLag = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> moduleCounts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> breakerStates = new ConcurrentHashMap<>();

    public PlatformMetrics(MeterRegistry registry, MetricsProperties properties) {
        this.registry = registry;
        this.collections = new BoundedLabel(properties.maxCollections());
    }

    /** Metrics that go nowhere, for tools and tests that do not look at them. */
    public static PlatformMetrics discarding() {
        return new PlatformMetrics(new CompositeMeterRegistry(), new MetricsProperties(null));
    }

    /** A document's outcome; {@code source} is the job's source ({@code kafka:topic}, {@code inbox:path}), reduced to its kind. */
    public void document(String source, String collection, Outcome outcome, int chunks, long durationNanos) {
        String kind = sourceKind(source);
        String coll = collections.value(collection);
        Counter.builder(INGEST_DOCUMENTS).description("Documents that reached the pipeline, by outcome")
                .tags("source", kind, "collection", coll, "outcome", wire(outcome))
                .register(registry).increment();
        if (outcome == Outcome.INDEXED) {
            Counter.builder(INGEST_CHUNKS).description("Chunks stored").tags("collection", coll)
                    .register(registry).increment(chunks);
            Timer.builder(INGEST_DOCUMENT_DURATION).description("Time from a document's arrival in the pipeline to its indexed status")
                    .serviceLevelObjectives(STAGE_BUCKETS).tags("source", kind)
                    .register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
        }
    }

    public void stage(Stage stage, long nanos) {
        Timer.builder(INGEST_STAGE_DURATION).description("Time a document spends in each ingestion stage")
                .serviceLevelObjectives(STAGE_BUCKETS).tags("stage", wire(stage))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One call of the embedding model over {@code texts} texts. */
    public void embedded(Use use, int texts, long nanos) {
        Counter.builder(EMBEDDING_TEXTS).description("Texts embedded").tags("use", wire(use))
                .register(registry).increment(texts);
        DistributionSummary.builder(EMBEDDING_BATCH_SIZE).description("Texts per call of the embedding model")
                .baseUnit("texts").serviceLevelObjectives(BATCH_BUCKETS).tags("use", wire(use))
                .register(registry).record(texts);
        Timer.builder(EMBEDDING_BATCH_DURATION).description("Time of one call of the embedding model")
                .serviceLevelObjectives(QUERY_BUCKETS).tags("use", wire(use))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A query answered (also from the cache); an empty result list is counted apart. */
    public void query(Endpoint endpoint, String mode, long nanos, int results) {
        Timer.builder(QUERY_DURATION).description("Time to answer a query, by endpoint and retrieval mode")
                .serviceLevelObjectives(QUERY_BUCKETS).tags("endpoint", wire(endpoint), "mode", mode)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (results == 0) {
            Counter.builder(RETRIEVAL_EMPTY_RESULTS).description("Queries that found nothing")
                    .tags("endpoint", wire(endpoint), "mode", mode).register(registry).increment();
        }
    }

    /** The cosine similarity of the best dense hit of a query (not a fused score: RRF scores are no similarities). */
    public void topSimilarity(String mode, double cosine) {
        DistributionSummary.builder(RETRIEVAL_TOP_SIMILARITY).description("Cosine similarity of each query's best dense hit, in percent")
                .baseUnit("percent").serviceLevelObjectives(SIMILARITY_BUCKETS).tags("mode", mode)
                .register(registry).record(100 * cosine);
    }

    public void cache(boolean hit) {
        Counter.builder(CACHE_REQUESTS).description("Query-cache lookups").tags("result", hit ? "hit" : "miss")
                .register(registry).increment();
    }

    public void storeOperation(String store, String operation, long nanos) {
        Timer.builder(STORE_OPERATION_DURATION).description("Time of chunk-store operations")
                .serviceLevelObjectives(QUERY_BUCKETS).tags("store", store, "operation", operation)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code error}: {@code unavailable} (retried later), {@code rejected} (the document fails) or {@code other}. */
    public void storeError(String store, String operation, String error) {
        Counter.builder(STORE_ERRORS).description("Chunk-store operations that failed")
                .tags("store", store, "operation", operation, "error", error).register(registry).increment();
    }

    /** The last health probe of the store: 1 up, 0 down. */
    public void storeUp(String store, boolean up) {
        storeUp.computeIfAbsent(store, s -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(STORE_UP, value, AtomicLong::get).description("1 when the last health probe of the store succeeded")
                    .tags("store", s).register(registry);
            return value;
        }).set(up ? 1 : 0);
    }

    /** A message of {@code route} (the consuming route: ingest-kafka, ingest-amqp, ingest-sftp...) written to its dead-letter destination. */
    public void deadLetter(String route) {
        deadLetters(route).increment();
    }

    /** Shows the counter of {@code route} at 0 before its first dead letter, so that {@code increase()} in an alert sees that one too. */
    public void expectDeadLetters(String route) {
        deadLetters(route);
    }

    private Counter deadLetters(String route) {
        return Counter.builder(DEAD_LETTERS).description("Messages and files that could not be ingested, written to their dead-letter destination")
                .tags("route", route).register(registry);
    }

    /** Records of {@code topic} the consumer group has not committed yet, summed over partitions. */
    public void kafkaLag(String topic, String group, long records) {
        kafkaLag.computeIfAbsent(topic + "\u0000" + group, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(KAFKA_CONSUMER_LAG, value, AtomicLong::get).description("Records not yet committed by the consumer group")
                    .baseUnit("records").tags("topic", topic, "group", group).register(registry);
            return value;
        }).set(records);
    }

    /** {@code method}: {@code password} (a login), {@code api_key} (a login with a key or an inline key config) or {@code refresh}. */
    public void tokensIssued(String method) {
        Counter.builder(AUTH_TOKENS_ISSUED).description("Token pairs issued").tags("method", method).register(registry).increment();
    }

    /**
     * A refused call or login; {@code reason} is one of a fixed set (bad_credentials, missing,
     * throttled, invalid, expired, not_yet_valid, revoked, wrong_token_type, invalid_api_key, forbidden).
     */
    public void authFailure(String reason) {
        Counter.builder(AUTH_FAILURES).description("Refused logins, tokens and missing roles, by reason")
                .tags("reason", reason.replace(' ', '_')).register(registry).increment();
    }

    public void tokenValidated(long nanos) {
        Timer.builder(AUTH_TOKEN_VALIDATION_DURATION).description("Time to verify a bearer token (signature, claims, revocation)")
                .serviceLevelObjectives(VALIDATION_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code kind}: {@code token} (a holder's logout) or {@code jti} (an admin's revocation by id). */
    public void revoked(String kind) {
        Counter.builder(AUTH_REVOCATIONS).description("Tokens revoked").tags("kind", kind).register(registry).increment();
    }

    /** A call refused with 429; {@code kind}: {@code key} (an API key's limit) or {@code user}. */
    public void rateLimited(String kind) {
        Counter.builder(AUTH_RATE_LIMITED).description("Calls refused over their rate limit").tags("kind", kind).register(registry).increment();
    }

    /** A call let through without a rate-limit check because the bucket store (Redis) did not answer. */
    public void rateLimitUnchecked() {
        Counter.builder(AUTH_RATE_LIMIT_UNCHECKED).description("Calls let through unchecked while the rate-limit store was unavailable")
                .register(registry).increment();
    }

    /**
     * A Control Tower manifest call: {@code operation} one of read, resolve, list, validate,
     * create, update, delete, rollback, purge; {@code result} one of ok, invalid, not_found,
     * conflict, stale, forbidden, unresolved, error.
     */
    public void manifestOperation(String operation, String result) {
        Counter.builder(CONTROL_TOWER_MANIFEST_OPERATIONS).description("Control Tower manifest calls, by operation and result")
                .tags("operation", operation, "result", result).register(registry).increment();
    }

    /**
     * A Front Door call that reached a module of a manifest ({@code project} and {@code module}
     * are manifest names, so bounded); {@code operation} one of the Front Door's operations,
     * {@code status} the HTTP status class ({@code 2xx}, {@code 4xx}, {@code 5xx}).
     */
    public void frontDoorRequest(String project, String module, String operation, String status, long nanos) {
        Counter.builder(FRONTDOOR_REQUESTS).description("Front Door calls by project, module, operation and status class")
                .tags("project", project, "module", module, "operation", operation, "status", status).register(registry).increment();
        Timer.builder(FRONTDOOR_REQUEST_DURATION).description("Time to answer a Front Door call, by project, module and operation")
                .tags("project", project, "module", module, "operation", operation)
                .serviceLevelObjectives(durations(5, 25, 100, 250, 1000, 2500, 10000, 30000))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A weighted ensemble's vote: the winning cluster's share of the weight (0 to 1). */
    public void ensembleAgreement(String project, String module, double agreement) {
        DistributionSummary.builder(FRONTDOOR_ENSEMBLE_AGREEMENT).description("Weighted ensembles' agreement: the winning answer's share of the weight")
                .baseUnit("ratio").tags("project", project, "module", module).serviceLevelObjectives(0.25, 0.5, 0.75, 0.9, 1.0)
                .register(registry).record(agreement);
    }

    /** The modules of the current manifests by {@code status} (enabled, disabled, deprecated, development). */
    public void modulesByStatus(Map<String, Long> counts) {
        for (Map.Entry<String, Long> count : counts.entrySet()) {
            moduleCounts.computeIfAbsent(count.getKey(), status -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder(CONTROL_TOWER_MODULES, value, AtomicLong::get).description("Modules of the current manifests, by status")
                        .tags("status", status).register(registry);
                return value;
            }).set(count.getValue());
        }
    }

    /**
     * One HTTP call of an inference upstream by the Front Door. {@code upstream} is the upstream's
     * {@code host:port} (never a URL: paths and query strings can carry ids or keys);
     * {@code result}: ok, client_error, auth_error, rate_limited, server_error, connect_error,
     * timeout, invalid_response, stream_cut, or breaker_open (no call made: the breaker refused it).
     */
    public void upstreamRequest(String project, String module, String upstream, String result) {
        Counter.builder(FRONTDOOR_UPSTREAM_REQUESTS).description("Calls of inference upstreams, by result")
                .tags("project", project, "module", module, "upstream_host", upstream, "result", result)
                .register(registry).increment();
    }

    /** Time of one upstream call, from sending the request to its last byte (or its failure). */
    public void upstreamDuration(String project, String module, long nanos) {
        Timer.builder(FRONTDOOR_UPSTREAM_DURATION).description("Time of one call of an inference upstream")
                .serviceLevelObjectives(UPSTREAM_BUCKETS).tags("project", project, "module", module)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Time from sending a streamed request to the upstream's first SSE data line. */
    public void timeToFirstToken(String project, String module, long nanos) {
        Timer.builder(FRONTDOOR_TIME_TO_FIRST_TOKEN).description("Time from a streamed request to the upstream's first data line")
                .serviceLevelObjectives(FIRST_TOKEN_BUCKETS).tags("project", project, "module", module)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A repeated upstream call; {@code reason}: rate_limited, server_error, connect_error or timeout. */
    public void upstreamRetry(String project, String module, String reason) {
        Counter.builder(FRONTDOOR_RETRIES).description("Inference upstream calls repeated after a failure, by reason")
                .tags("project", project, "module", module, "reason", reason).register(registry).increment();
    }

    /** A request handed from the inference module {@code module} to the next of its fallbacks. */
    public void upstreamFallback(String project, String module) {
        Counter.builder(FRONTDOOR_FALLBACKS).description("Requests handed from an inference module to its next fallback")
                .tags("project", project, "module", module).register(registry).increment();
    }

    /** The circuit breaker of the upstream {@code host:port}: 0 closed, 1 half-open, 2 open. */
    public void breakerState(String upstream, int state) {
        breakerStates.computeIfAbsent(upstream, u -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(FRONTDOOR_BREAKER_STATE, value, AtomicLong::get)
                    .description("Circuit breaker of an inference upstream: 0 closed, 1 half-open, 2 open")
                    .tags("upstream", u).register(registry);
            return value;
        }).set(state);
    }

    /** Tokens an upstream reported in its {@code usage}: {@code in} the prompt's, {@code out} the completion's. */
    public void tokens(String project, String module, long in, long out) {
        Counter.builder(FRONTDOOR_TOKENS).description("Tokens of inference calls as the upstream reported them")
                .tags("project", project, "module", module, "direction", "in").register(registry).increment(in);
        Counter.builder(FRONTDOOR_TOKENS).description("Tokens of inference calls as the upstream reported them")
                .tags("project", project, "module", module, "direction", "out").register(registry).increment(out);
    }

    static String sourceKind(String source) {
        if (source == null || source.isBlank()) {
            return BoundedLabel.NONE;
        }
        int colon = source.indexOf(':');
        return (colon < 0 ? source : source.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    private static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static Duration[] durations(long... millis) {
        Duration[] result = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            result[i] = Duration.ofMillis(millis[i]);
        }
        return result;
    }
}
