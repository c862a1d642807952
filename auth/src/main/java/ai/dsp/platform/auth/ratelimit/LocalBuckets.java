package ai.dsp.platform.auth.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Buckets in this process, at most {@code maxBuckets}; the least recently used go first, so
 * callers (or an attacker's random usernames) cannot grow the heap. A bucket dropped early comes
 * back full, which only ever lets a caller in, never shuts one out.
 */
public final class LocalBuckets implements Buckets {

    private final TimeMeter clock;
    private final Map<String, Bucket> buckets;

    public LocalBuckets(int maxBuckets, TimeMeter clock) {
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > maxBuckets;
            }
        };
    }

    @Override
    public synchronized Bucket bucket(String key, BucketConfiguration configuration) {
        return buckets.computeIfAbsent(key, k -> {
            LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(clock);
            for (Bandwidth limit : configuration.getBandwidths()) {
                builder.addLimit(limit);
            }
            return builder.build();
        });
    }
}
