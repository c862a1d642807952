package ai.dsp.platform.app.config;

import ai.dsp.platform.app.messaging.RedisQueryCache;
import ai.dsp.platform.app.messaging.SpringRedisComponent;
import ai.dsp.platform.ingest.ExtractionProperties;
import ai.dsp.platform.ingest.FetchProperties;
import ai.dsp.platform.ingest.MessageIntake;
import ai.dsp.platform.retrieve.QueryCache;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.time.Duration;

/**
 * Message buses and Redis: document messages become jobs; Redis, when {@code dsp.redis.enabled},
 * carries the events channel and the query cache. The Redis connection is Spring Boot's
 * ({@code spring.data.redis.*}); it opens only when something uses it.
 */
@Configuration(proxyBeanMethods = false)
public class MessagingConfiguration {

    @Bean
    MessageIntake messageIntake(FetchProperties fetch, ExtractionProperties extraction) {
        return new MessageIntake(fetch, extraction.maxFileSize().toBytes());
    }

    /** Publishes events as plain JSON strings (the default template would Java-serialise them). */
    @Bean
    StringRedisTemplate redisEventsTemplate(RedisConnectionFactory connections) {
        return new StringRedisTemplate(connections);
    }

    /** Under the component's own name, so routes use it as {@code spring-redis:}. */
    @Bean("spring-redis")
    SpringRedisComponent springRedisComponent() {
        return new SpringRedisComponent();
    }

    @Bean
    QueryCache queryCache(@Value("${dsp.redis.enabled:false}") boolean redis,
                          @Value("${dsp.cache.ttl:10m}") Duration ttl,
                          @Value("${dsp.cache.key-prefix:dsp}") String keyPrefix,
                          StringRedisTemplate redisEventsTemplate, ObjectMapper json) {
        return redis ? new RedisQueryCache(redisEventsTemplate, json, ttl, keyPrefix) : QueryCache.NONE;
    }
}
