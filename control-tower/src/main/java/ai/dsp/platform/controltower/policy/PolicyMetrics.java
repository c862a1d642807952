package ai.dsp.platform.controltower.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Control Tower's policy metrics, named {@code dsp_controltower_<what>_<unit>} in Prometheus
 * (docs/OPERATIONS.md lists them with the platform's others; a test keeps the two in step).
 * Labels are fixed sets: never a client, user or resource id. The meters exist from the start, so
 * {@code increase()} sees the first event too.
 */
public final class PolicyMetrics {

    public static final String EVALUATIONS = "dsp.controltower.policy.evaluations";
    public static final String EVALUATION_DURATION = "dsp.controltower.policy.evaluation";
    public static final String CHANGES = "dsp.controltower.policy.changes";

    /** An evaluation's outcome: a decision either way, or none (the policy is missing or cannot be loaded). */
    public enum Result { ALLOW, DENY, ERROR }

    /** A change of a policy, by the API or a command. */
    public enum Operation { ADD, UPDATE, DELETE, ENABLE, DISABLE }

    /** A decision takes microseconds; the buckets show when it does not. */
    private static final Duration[] BUCKETS = {Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000),
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(5)};

    private final Map<Result, Counter> evaluations = new EnumMap<>(Result.class);
    private final Map<Operation, Counter> changed = new EnumMap<>(Operation.class);
    private final Map<Operation, Counter> failed = new EnumMap<>(Operation.class);
    private final Timer duration;

    public PolicyMetrics(MeterRegistry registry) {
        for (Result result : Result.values()) {
            evaluations.put(result, Counter.builder(EVALUATIONS).description("Policy evaluations, by outcome")
                    .tags("result", wire(result)).register(registry));
        }
        for (Operation operation : Operation.values()) {
            changed.put(operation, change(registry, operation, "ok"));
            failed.put(operation, change(registry, operation, "error"));
        }
        duration = Timer.builder(EVALUATION_DURATION).description("Time of one policy decision in process")
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    private static Counter change(MeterRegistry registry, Operation operation, String result) {
        return Counter.builder(CHANGES).description("Policy changes, by operation and outcome")
                .tags("operation", wire(operation), "result", result).register(registry);
    }

    public void evaluated(Result result, long nanos) {
        evaluations.get(result).increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void changed(Operation operation, boolean ok) {
        (ok ? changed : failed).get(operation).increment();
    }

    private static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
