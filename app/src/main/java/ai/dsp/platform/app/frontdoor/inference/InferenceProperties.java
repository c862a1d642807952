package ai.dsp.platform.app.frontdoor.inference;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Settings of the Front Door's inference modules ({@code dsp.front-door.inference.*}): the call
 * limits a module's config does not set itself, the retry waits, and the circuit breaker every
 * upstream gets. docs/FRONT-DOOR.md, "Inference modules", explains each.
 *
 * @param connectTimeout    default of a module's {@code connect_timeout_ms}
 * @param firstByteTimeout  default of {@code first_byte_timeout_ms}: until the upstream's first byte
 *                          (a non-streamed answer's first byte usually comes when it is complete)
 * @param timeout           default of {@code timeout_ms}: one whole upstream call
 * @param maxRetries        default of {@code max_retries}
 * @param retryInitialDelay wait before the first repeat; it doubles for each further one, with jitter
 * @param retryMaxDelay     the longest wait between two calls without a {@code Retry-After}
 * @param retryAfterMax     the longest {@code Retry-After} waited for; an upstream asking for longer is
 *                          not repeated (its fallbacks are tried, or its 429 is passed on)
 * @param maxResponseSize   the largest answer (or SSE event) read from an upstream
 * @param breaker           the circuit breaker of each upstream
 */
@Validated
@ConfigurationProperties("dsp.front-door.inference")
public record InferenceProperties(Duration connectTimeout, Duration firstByteTimeout, Duration timeout,
                                  @Min(0) @Max(10) Integer maxRetries, Duration retryInitialDelay, Duration retryMaxDelay,
                                  Duration retryAfterMax, DataSize maxResponseSize, @Valid Breaker breaker) {

    public InferenceProperties {
        connectTimeout = positive(connectTimeout, Duration.ofSeconds(5), "connect-timeout");
        firstByteTimeout = positive(firstByteTimeout, Duration.ofSeconds(60), "first-byte-timeout");
        timeout = positive(timeout, Duration.ofSeconds(180), "timeout");
        maxRetries = maxRetries == null ? 2 : maxRetries;
        retryInitialDelay = positive(retryInitialDelay, Duration.ofMillis(250), "retry-initial-delay");
        retryMaxDelay = positive(retryMaxDelay, Duration.ofSeconds(4), "retry-max-delay");
        retryAfterMax = positive(retryAfterMax, Duration.ofSeconds(10), "retry-after-max");
        maxResponseSize = maxResponseSize == null ? DataSize.ofMegabytes(8) : maxResponseSize;
        breaker = breaker == null ? new Breaker(null, null, null, null, null) : breaker;
    }

    /** Every setting at its default. */
    public static InferenceProperties defaults() {
        return new InferenceProperties(null, null, null, null, null, null, null, null, null);
    }

    /**
     * The circuit breaker of one upstream: it opens when at least {@code minimumCalls} of the last
     * {@code slidingWindowSize} calls were made and {@code failureRateThreshold} percent of them
     * failed; after {@code waitInOpen} it lets {@code halfOpenCalls} calls through and closes when
     * fewer than the threshold of those fail.
     */
    public record Breaker(@Min(1) @Max(100) Integer failureRateThreshold, @Min(1) Integer slidingWindowSize,
                          @Min(1) Integer minimumCalls, Duration waitInOpen, @Min(1) Integer halfOpenCalls) {

        public Breaker {
            failureRateThreshold = failureRateThreshold == null ? 50 : failureRateThreshold;
            slidingWindowSize = slidingWindowSize == null ? 20 : slidingWindowSize;
            minimumCalls = minimumCalls == null ? 10 : minimumCalls;
            waitInOpen = positive(waitInOpen, Duration.ofSeconds(30), "breaker.wait-in-open");
            halfOpenCalls = halfOpenCalls == null ? 3 : halfOpenCalls;
        }
    }

    private static Duration positive(Duration value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("dsp.front-door.inference." + name + " must be positive");
        }
        return value;
    }
}
