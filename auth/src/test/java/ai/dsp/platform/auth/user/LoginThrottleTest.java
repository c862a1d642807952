package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.TooManyAttemptsException;
import ai.dsp.platform.auth.ratelimit.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginThrottleTest {

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(3, 5, Duration.ofMinutes(3), clock);

    @Test
    void anAccountIsThrottledAfterItsFailuresAndRecoversAsTheWindowRefills() {
        for (int i = 0; i < 3; i++) {
            throttle.check("admin", "10.0.0." + i);
            throttle.failed("admin", "10.0.0." + i);
        }

        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.9")).isInstanceOf(TooManyAttemptsException.class)
                .satisfies(e -> assertThat(((TooManyAttemptsException) e).retryAfter()).isEqualTo(Duration.ofMinutes(1)));
        assertThatCode(() -> throttle.check("alice", "10.0.0.9")).doesNotThrowAnyException();

        clock.advance(Duration.ofMinutes(1));
        assertThatCode(() -> throttle.check("admin", "10.0.0.9")).doesNotThrowAnyException();
    }

    @Test
    void anAddressIsThrottledWhateverUsernamesItTries() {
        for (int i = 0; i < 5; i++) {
            throttle.check("user" + i, "192.0.2.7");
            throttle.failed("user" + i, "192.0.2.7");
        }

        assertThatThrownBy(() -> throttle.check("someone-new", "192.0.2.7")).isInstanceOf(TooManyAttemptsException.class);
        assertThatCode(() -> throttle.check("someone-new", "192.0.2.8")).doesNotThrowAnyException();
    }
}
