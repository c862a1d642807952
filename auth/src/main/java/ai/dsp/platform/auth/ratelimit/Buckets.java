package ai.dsp.platform.auth.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;

import java.time.Duration;

/** Where token buckets live: this process ({@link LocalBuckets}) or a store every replica shares. */
public interface Buckets {

    /** The bucket under {@code key}, made with {@code configuration} if there is none yet. */
    Bucket bucket(String key, BucketConfiguration configuration);

    /** {@code capacity} tokens, refilled evenly over {@code period} (not all at once at its end). */
    static BucketConfiguration refilledEvenly(long capacity, Duration period) {
        return BucketConfiguration.builder().addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build()).build();
    }
}
