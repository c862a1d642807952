package ai.dsp.platform.app;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import java.util.ArrayList;
import java.util.List;

/** Redis clients for a test, each test's keys under a prefix of its own, removed with the clients. */
final class RedisTemplates implements AutoCloseable {

    final String prefix;
    private final int port;
    private final List<LettuceConnectionFactory> connections = new ArrayList<>();

    RedisTemplates(String name, int port) {
        this.prefix = name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        this.port = port;
    }

    /** A client of the test's Redis. */
    StringRedisTemplate template() {
        return template(port);
    }

    /** A client of whatever answers (or does not) on {@code port}. */
    StringRedisTemplate template(int port) {
        return new StringRedisTemplate(connections(port));
    }

    /** The connections of such a client. */
    LettuceConnectionFactory connections(int port) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
        factory.afterPropertiesSet();
        connections.add(factory);
        return factory;
    }

    /** Deletes the test's keys and closes every client. */
    @Override
    public void close() {
        StringRedisTemplate redis = template();
        redis.delete(redis.keys(prefix + ":*"));
        connections.forEach(LettuceConnectionFactory::destroy);
    }
}
