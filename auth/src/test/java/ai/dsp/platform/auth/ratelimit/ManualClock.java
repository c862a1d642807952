package ai.dsp.platform.auth.ratelimit;

import io.github.bucket4j.TimeMeter;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A bucket4j clock that stands still until a test moves it. */
public final class ManualClock implements TimeMeter {

    private final AtomicLong now = new AtomicLong();

    public void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return now.get();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}
