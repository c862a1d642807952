package ai.dsp.platform.app;

import ai.dsp.platform.app.messaging.RedisQueryCache;
import ai.dsp.platform.graph.GraphHit;
import ai.dsp.platform.retrieve.QueryCache;
import ai.dsp.platform.retrieve.RetrieveResponse;
import ai.dsp.platform.retrieve.RetrievedChunk;
import ai.dsp.platform.testing.RedisServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The query cache against a real Redis (the test harness's {@link RedisServer}), each test under keys of its own. */
class RedisQueryCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RedisTemplates redis = new RedisTemplates("cache", RedisServer.shared().port());
    private final String prefix = redis.prefix;

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void aCachedResponseIsServedUntilItsCollectionChanges() {
        RedisQueryCache cache = new RedisQueryCache(redis.template(), JSON, Duration.ofMinutes(1), prefix);
        RedisQueryCache otherInstance = new RedisQueryCache(redis.template(), JSON, Duration.ofMinutes(1), prefix);
        cache.lookup("kb", "hybrid|5|vpn").store(response("kb", "vpn"));
        cache.lookup("hr", "hybrid|5|leave").store(response("hr", "leave"));

        assertThat(otherInstance.lookup("kb", "hybrid|5|vpn").cached()).contains(response("kb", "vpn"));
        assertThat(cache.lookup("kb", "hybrid|5|other").cached()).isEmpty();

        otherInstance.invalidate("kb");

        assertThat(cache.lookup("kb", "hybrid|5|vpn").cached()).isEmpty();
        assertThat(cache.lookup("hr", "hybrid|5|leave").cached()).contains(response("hr", "leave"));
    }

    @Test
    void aResultComputedWhileTheCollectionChangedIsNeverServed() {
        RedisQueryCache cache = new RedisQueryCache(redis.template(), JSON, Duration.ofMinutes(1), prefix);
        QueryCache.Entry before = cache.lookup("kb", "q");

        cache.invalidate("kb");
        before.store(response("kb", "computed from the old content"));

        assertThat(cache.lookup("kb", "q").cached()).isEmpty();
    }

    @Test
    void entriesExpireAfterTheTtl() {
        RedisQueryCache cache = new RedisQueryCache(redis.template(), JSON, Duration.ofSeconds(1), prefix);
        cache.lookup("kb", "q").store(response("kb", "q"));
        assertThat(cache.lookup("kb", "q").cached()).isPresent();

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.lookup("kb", "q").cached().isEmpty());
    }

    @Test
    void anUnreachableRedisMakesEveryLookupAMissAndNothingFails() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RedisQueryCache cache = new RedisQueryCache(redis.template(closedPort), JSON, Duration.ofMinutes(1), prefix);

        cache.lookup("kb", "q").store(response("kb", "q"));
        cache.invalidate("kb");
        assertThat(cache.lookup("kb", "q").cached()).isEmpty();
    }

    private static RetrieveResponse response(String collection, String query) {
        return new RetrieveResponse(query, collection, "hybrid", List.of(new RetrievedChunk("doc-1", "a.txt", "doc-1:0",
                "text about " + query, 0.5, 1, 2, 3,
                new RetrievedChunk.GraphPath("Project Falcon", List.of(new GraphHit.Step("Maria Keller", "lead", "Project Falcon"))),
                List.of(), Map.of("team", "it"))), 7);
    }
}
