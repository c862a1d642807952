package ai.dsp.platform.app;

import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two app instances on one Redis hold one caller to one limit: the calls they let through
 * together never exceed it, however the caller's concurrent calls are spread over them.
 */
class RedisRateLimitTest {

    private static final int LIMIT = 20;
    private static final int CALLS_PER_REPLICA = 40;
    private static final String DOCUMENTS = "/api/v1/documents?limit=1";

    @TempDir
    static Path work;

    private static RedisTemplates redis;
    private static AppHarness one;
    private static AppHarness two;

    @BeforeAll
    static void start() {
        redis = new RedisTemplates("ratelimit-replicas", RedisServer.shared().port());
        String[] shared = {"--dsp.redis.enabled=true", "--spring.data.redis.url=" + RedisServer.shared().url(),
                "--dsp.cache.key-prefix=" + redis.prefix,
                // one state folder as in the compose stack: both verify the tokens either issues
                "--dsp.auth.state-dir=" + work.resolve("auth")};
        one = AppHarness.start(work.resolve("one").resolve("data"), work.resolve("one").resolve("inbox"), shared);
        two = AppHarness.start(work.resolve("two").resolve("data"), work.resolve("two").resolve("inbox"), shared);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {one, two, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theCallsTwoReplicasLetThroughTogetherNeverExceedTheLimit() throws Exception {
        String token = one.bean(TokenService.class).issue("busy-client", Map.of("roles", List.of("user"), "rate_limit", LIMIT))
                .accessToken();
        List<AppHarness> replicas = List.of(one.as(token), two.as(token));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 2 * CALLS_PER_REPLICA; i++) {
                AppHarness replica = replicas.get(i % 2);
                answers.add(pool.submit(() -> replica.get(DOCUMENTS).status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            long elapsedNanos = System.nanoTime() - started;

            long allowed = statuses.stream().filter(status -> status == 200).count();
            long refused = statuses.stream().filter(status -> status == 429).count();
            assertThat(allowed + refused).as("every answer is 200 or 429").isEqualTo(statuses.size());
            // the bucket refills evenly: the run's own duration earns one call per 60 s / LIMIT.
            // Each replica alone would have let LIMIT of its CALLS_PER_REPLICA through, twice the bound.
            long bound = LIMIT + elapsedNanos * LIMIT / 60_000_000_000L;
            assertThat(allowed).isPositive().isLessThanOrEqualTo(bound);
            assertThat(refused).isPositive();
        } finally {
            pool.shutdownNow();
        }
        assertThat(redis.template().keys(redis.prefix + ":ratelimit:*")).containsExactly(redis.prefix + ":ratelimit:user:busy-client:" + LIMIT);
    }
}
