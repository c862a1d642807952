package ai.dsp.platform.app.messaging;

import ai.dsp.platform.ingest.DocumentIds;
import ai.dsp.platform.retrieve.QueryCache;
import ai.dsp.platform.retrieve.RetrieveResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The query-result cache in Redis, shared by every instance. Keys carry the collection's
 * generation ({@code <prefix>:cache:gen:<collection>}, incremented atomically on every change), so an
 * invalidation is one INCR and stale entries simply expire with their TTL. Redis trouble never
 * fails a query: it becomes a miss.
 */
public final class RedisQueryCache implements QueryCache {

    private static final Logger LOG = LoggerFactory.getLogger(RedisQueryCache.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final Duration ttl;
    private final String prefix;

    public RedisQueryCache(StringRedisTemplate redis, ObjectMapper json, Duration ttl, String keyPrefix) {
        this.redis = redis;
        this.json = json;
        this.ttl = ttl;
        this.prefix = keyPrefix + ":cache:";
    }

    @Override
    public Entry lookup(String collection, String key) {
        try {
            String entryKey = entryKey(collection, key);
            String cached = redis.opsForValue().get(entryKey);
            return new RedisEntry(entryKey, cached == null ? null : json.readValue(cached, RetrieveResponse.class));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warn("query cache read failed, answering without it: {}", e.toString());
            return Entry.MISS;
        }
    }

    @Override
    public void invalidate(String collection) {
        try {
            redis.opsForValue().increment(generationKey(collection));
        } catch (RuntimeException e) {
            LOG.warn("query cache invalidation of '{}' failed; its entries expire within {}: {}", collection, ttl, e.toString());
        }
    }

    /** A looked-up key: a fresh result is stored under the generation the lookup saw. */
    private final class RedisEntry implements Entry {

        private final String key;
        private final RetrieveResponse cached;

        RedisEntry(String key, RetrieveResponse cached) {
            this.key = key;
            this.cached = cached;
        }

        @Override
        public Optional<RetrieveResponse> cached() {
            return Optional.ofNullable(cached);
        }

        @Override
        public void store(RetrieveResponse response) {
            try {
                redis.opsForValue().set(key, json.writeValueAsString(response), ttl);
            } catch (RuntimeException | JsonProcessingException e) {
                LOG.warn("query cache write failed: {}", e.toString());
            }
        }
    }

    private String entryKey(String collection, String key) {
        String generation = redis.opsForValue().get(generationKey(collection));
        return prefix + collection + ":" + (generation == null ? "0" : generation) + ":"
                + DocumentIds.sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    private String generationKey(String collection) {
        return prefix + "gen:" + collection;
    }
}
