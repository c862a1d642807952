package ai.dsp.platform.app.frontdoor.inference;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryDelaysTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void theBackoffDoublesWithJitterBetweenHalfAndAllOfItAndStopsAtTheMaximum() {
        RetryDelays lowest = new RetryDelays(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(10), NOW, () -> 0.0);
        RetryDelays highest = new RetryDelays(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(10), NOW, () -> 0.999_999);

        assertThat(lowest.before(1, null)).contains(Duration.ofMillis(100));
        assertThat(highest.before(1, null)).contains(Duration.ofMillis(199));
        assertThat(lowest.before(2, null)).contains(Duration.ofMillis(200));
        assertThat(lowest.before(3, null)).contains(Duration.ofMillis(400));
        assertThat(highest.before(4, null)).as("capped at retry-max-delay").contains(Duration.ofMillis(999));
        assertThat(highest.before(40, null)).as("no overflow on many repeats").contains(Duration.ofMillis(999));
    }

    @Test
    void retryAfterIsWaitedForExactlyUpToTheCapAndBeyondItNotAtAll() {
        RetryDelays delays = new RetryDelays(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(10), NOW, () -> 0.5);

        assertThat(delays.before(1, Duration.ofSeconds(7))).contains(Duration.ofSeconds(7));
        assertThat(delays.before(1, Duration.ZERO)).contains(Duration.ZERO);
        assertThat(delays.before(1, Duration.ofSeconds(11))).isEmpty();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        RetryDelays delays = new RetryDelays(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(10), NOW, () -> 0.5);

        assertThat(delays.parseRetryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(delays.parseRetryAfter(" 120 ")).isEqualTo(Duration.ofSeconds(120));
        assertThat(delays.parseRetryAfter("Sun, 01 Jun 2025 12:00:05 GMT")).isEqualTo(Duration.ofSeconds(5));
        assertThat(delays.parseRetryAfter("Sun, 01 Jun 2025 11:59:00 GMT")).as("a date gone by: at once").isEqualTo(Duration.ZERO);
        assertThat(delays.parseRetryAfter("soon")).isNull();
        assertThat(delays.parseRetryAfter(null)).isNull();
    }
}
