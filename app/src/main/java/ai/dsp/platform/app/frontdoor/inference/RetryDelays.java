package ai.dsp.platform.app.frontdoor.inference;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before repeating an upstream call: the upstream's {@code Retry-After} when it
 * sent one (never sooner; when it asks for longer than the cap, not at all), otherwise an
 * exponential backoff with jitter, so that many clients failing together do not come back together.
 */
final class RetryDelays {

    private final Duration initial;
    private final Duration max;
    private final Duration retryAfterMax;
    private final Clock clock;
    private final DoubleSupplier random;

    RetryDelays(Duration initial, Duration max, Duration retryAfterMax, Clock clock, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.retryAfterMax = retryAfterMax;
        this.clock = clock;
        this.random = random;
    }

    /**
     * The wait before repeat number {@code repeat} (1 for the first), or empty when the upstream
     * asked for a longer wait than {@code dsp.front-door.inference.retry-after-max}.
     */
    Optional<Duration> before(int repeat, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(retryAfterMax) > 0 ? Optional.empty() : Optional.of(retryAfter);
        }
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(repeat - 1, 20));
        // "equal jitter": at least half the backoff, so a repeat never comes at once
        long millis = ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
        return Optional.of(Duration.ofMillis(millis));
    }

    /** A {@code Retry-After} value: delay seconds or an HTTP date; null when absent or unreadable. */
    Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
