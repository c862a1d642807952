package ai.dsp.platform.auth.apikey;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code type: api} claims against a real local HTTP server. */
class ClaimApiCallsTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile long delayMillis;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/budget/", exchange -> {
            calls.incrementAndGet();
            seen.add(exchange.getRequestURI().getPath() + " auth=" + exchange.getRequestHeaders().getFirst("X-Internal-Auth"));
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"remaining_budget\": {\"usd\": 125.5}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private DynamicClaims dynamic(List<String> hosts, Duration timeout) {
        return new DynamicClaims(ClaimFunctions.builtIn(Clock.systemUTC()),
                new ClaimApiCalls(hosts, timeout, Duration.ofMinutes(1), Clock.systemUTC()), new ClaimFormulas(), "internal-secret");
    }

    private ApiKey key(Path dir) throws IOException {
        return ApiKeyFiles.read(SeedKeyFiles.copy("ak_tiered_model_exec.yaml", dir, "ak_tiered_model_exec.yaml", port()));
    }

    private static Map<String, Object> context(ApiKey key) {
        return Map.of("api_key_id", key.id(), "team_id", "admin-team", "groups", List.of("administrators"));
    }

    @Test
    void anAllowedHostIsCalledOnceWithinTheTtlWithTheInternalToken(@TempDir Path dir) throws IOException {
        ApiKey key = key(dir);
        DynamicClaims dynamic = dynamic(List.of("127.0.0.1:" + port()), Duration.ofSeconds(2));

        Map<String, Object> first = dynamic.evaluate(key, context(key));
        Map<String, Object> second = dynamic.evaluate(key, context(key));

        assertThat(first).containsEntry("budget_status", Map.of("usd", 125.5));
        assertThat(first).extracting("team_permissions.can_manage_users").isEqualTo(true);
        assertThat(first).extracting("user_category.category.name").isEqualTo("gold");
        assertThat(second).isEqualTo(first);
        assertThat(calls).hasValue(1);
        // the key's id, never the key, goes into the URL
        assertThat(seen).containsExactly("/api/budget/" + key.id() + " auth=internal-secret");
    }

    @Test
    void aHostOffTheAllowListIsNeverCalled(@TempDir Path dir) throws IOException {
        ApiKey key = key(dir);

        Map<String, Object> claims = dynamic(List.of("claims.internal.example"), Duration.ofSeconds(2)).evaluate(key, context(key));

        assertThat(claims).doesNotContainKey("budget_status").containsKey("team_permissions");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aSlowOrFailingSourceIsOmittedOrRefusesTheTokenByItsPolicy(@TempDir Path dir) throws IOException {
        ApiKey key = key(dir);
        delayMillis = 1500;
        DynamicClaims impatient = dynamic(List.of("127.0.0.1:" + port()), Duration.ofMillis(300));
        assertThat(impatient.evaluate(key, context(key))).doesNotContainKey("budget_status");

        delayMillis = 0;
        status = 503;
        Map<String, Object> document = new java.util.LinkedHashMap<>(key.document());
        Map<String, Object> claims = ApiKeyFiles.map(document.get("claims"), "claims");
        Map<String, Object> specs = ApiKeyFiles.map(claims.get("dynamic"), "dynamic");
        Map<String, Object> budget = ApiKeyFiles.map(specs.get("budget_status"), "budget");
        budget.put("on_failure", "refuse");
        specs.put("budget_status", budget);
        claims.put("dynamic", specs);
        document.put("claims", claims);
        ApiKey strict = ApiKeyFiles.parse(key.file(), document);

        assertThatThrownBy(() -> dynamic(List.of("127.0.0.1:" + port()), Duration.ofSeconds(2)).evaluate(strict, context(strict)))
                .isInstanceOf(ClaimUnavailableException.class).hasMessageContaining("budget_status");
    }
}
