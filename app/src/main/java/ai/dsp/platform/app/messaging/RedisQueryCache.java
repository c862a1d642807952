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
 * generation ({@code dsp:cache:gen:<collection>}, incremented atomically on every change), so an
 * invalidation is one INCR and stale entries simply expire with their TTL. Redis trouble never
 * fails a query: it becomes a miss.
 */
public final class RedisQueryCache implements QueryCache {

    private static final Logger LOG = LoggerFactory.getLogger(RedisQueryCache.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final Duration ttl;

    public RedisQueryCache(StringRedisTemplate redis, ObjectMapper json, Duration ttl) {
        this.redis = redis;
        this.json = json;
        this.ttl = ttl;
    }

    @Override
    public Optional<RetrieveResponse> get(String collection, String key) {
        try {
            String cached = redis.opsForValue().get(entryKey(collection, key));
            return cached == null ? Optional.empty() : Optional.of(json.readValue(cached, RetrieveResponse.class));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warn("query cache read failed, answering without it: {}", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void put(String collection, String key, RetrieveResponse response) {
        try {
            redis.opsForValue().set(entryKey(collection, key), json.writeValueAsString(response), ttl);
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warn("query cache write failed: {}", e.toString());
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

    private String entryKey(String collection, String key) {
        String generation = redis.opsForValue().get(generationKey(collection));
        return "dsp:cache:" + collection + ":" + (generation == null ? "0" : generation) + ":"
                + DocumentIds.sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String generationKey(String collection) {
        return "dsp:cache:gen:" + collection;
    }
}
