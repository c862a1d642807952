package ai.dsp.platform.app.frontdoor.inference;

import ai.dsp.platform.metrics.PlatformMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One resilience4j circuit breaker per inference upstream, keyed by its endpoint URL
 * ({@link InferenceModule#breakerKey()}), so every module of every project calling the same
 * upstream shares what is known about it. The state is published as
 * {@code dsp_frontdoor_breaker_state{upstream=host:port}}: the worst state of the breakers on that
 * host.
 *
 * <p>Why the registry rather than Camel's {@code circuitBreaker} EIP: the EIP's breaker belongs to
 * the route definition (one per {@code circuitBreaker} step, or one bean it names), fixed when the
 * route starts, while upstreams come from manifests and change at run time; a route per upstream
 * would mean generating routes from manifests. The EIP also wraps the whole exchange, which
 * cannot express that a stream may not be repeated once a byte went to the client.
 */
public final class UpstreamBreakers {

    private static final Logger log = LoggerFactory.getLogger(UpstreamBreakers.class);

    private final CircuitBreakerRegistry registry;
    private final PlatformMetrics metrics;
    private final Map<String, CircuitBreaker> byKey = new ConcurrentHashMap<>();
    private final Map<String, Set<CircuitBreaker>> byHost = new ConcurrentHashMap<>();

    public UpstreamBreakers(InferenceProperties.Breaker settings, PlatformMetrics metrics) {
        this.metrics = metrics;
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                // a long answer is no sign of trouble; the timeouts deal with upstreams that hang
                .slowCallDurationThreshold(Duration.ofDays(1))
                .writableStackTraceEnabled(false)
                .build());
    }

    /** The breaker of {@code module}'s upstream. */
    CircuitBreaker of(InferenceModule module) {
        return byKey.computeIfAbsent(module.breakerKey(), key -> {
            CircuitBreaker breaker = registry.circuitBreaker(key);
            String host = module.upstream();
            byHost.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet()).add(breaker);
            breaker.getEventPublisher().onStateTransition(event -> {
                log.info("Circuit breaker of inference upstream {}: {}", host, event.getStateTransition());
                publish(host);
            });
            publish(host);
            return breaker;
        });
    }

    /** The state of {@code module}'s upstream breaker (an open one becomes half-open on the first call after its wait). */
    public CircuitBreaker.State state(InferenceModule module) {
        return of(module).getState();
    }

    private void publish(String host) {
        int worst = 0;
        for (CircuitBreaker breaker : byHost.getOrDefault(host, Set.of())) {
            worst = Math.max(worst, gaugeValue(breaker.getState()));
        }
        metrics.breakerState(host, worst);
    }

    private static int gaugeValue(CircuitBreaker.State state) {
        switch (state) {
            case OPEN:
            case FORCED_OPEN:
                return 2;
            case HALF_OPEN:
                return 1;
            default:
                return 0;
        }
    }
}
