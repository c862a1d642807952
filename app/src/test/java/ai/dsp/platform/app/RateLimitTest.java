package ai.dsp.platform.app;

import ai.dsp.platform.auth.token.TokenService;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits in one process, over HTTP: a caller over its limit gets 429 with the headers and the
 * error body, others go on, API keys share one bucket, public paths are not counted.
 */
class RateLimitTest {

    private static final String DOCUMENTS = "/api/v1/documents?limit=1";
    private static final int READER_LIMIT = 4;
    private static final int ADMIN_LIMIT = 1000;

    @TempDir
    static Path work;

    private static AppHarness app;
    private static TokenService tokens;

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.auth.rate-limits.role-defaults.user=" + READER_LIMIT, "--dsp.auth.rate-limits.role-defaults.admin=" + ADMIN_LIMIT);
        tokens = app.bean(TokenService.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aCallerOverTheLimitOfItsClaimGets429WithRetryAfterTheHeadersAndTheErrorBody() throws Exception {
        AppHarness limited = app.as(token("limited", Map.of("rate_limit", 3)));
        for (int left = 2; left >= 0; left--) {
            AppHarness.Reply allowed = limited.get(DOCUMENTS);
            assertThat(allowed.status()).isEqualTo(200);
            assertThat(header(allowed, "X-RateLimit-Limit")).isEqualTo("3");
            assertThat(header(allowed, "X-RateLimit-Remaining")).isEqualTo(Integer.toString(left));
            assertThat(Long.parseLong(header(allowed, "X-RateLimit-Reset"))).isBetween(1L, 60L);
        }

        AppHarness.Reply refused = limited.getWithHeaders(DOCUMENTS, Map.of("X-Request-Id", "rate-limit-test-0001"));

        assertThat(refused.status()).isEqualTo(429);
        // one call comes back every 20 s (3 a minute, refilled evenly); the bucket is full a minute after it emptied
        assertThat(Long.parseLong(header(refused, "Retry-After"))).isBetween(1L, 20L);
        assertThat(header(refused, "X-RateLimit-Limit")).isEqualTo("3");
        assertThat(header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(Long.parseLong(header(refused, "X-RateLimit-Reset"))).isBetween(41L, 60L);
        assertThat(header(refused, "X-Request-Id")).isEqualTo("rate-limit-test-0001");
        assertThat(refused.body().get("error").asText()).isEqualTo("too_many_requests");
        assertThat(refused.body().get("message").asText()).isEqualTo("rate limit of 3 calls per minute reached; retry in "
                + header(refused, "Retry-After") + " s");
        assertThat(refused.body().get("requestId").asText()).isEqualTo("rate-limit-test-0001");
        JsonNode audited = auditRecord("rate-limit-test-0001");
        assertThat(audited.get("status").asInt()).isEqualTo(429);
        assertThat(audited.get("principal").asText()).isEqualTo("limited");
        assertThat(Scrape.of(app).value("dsp_auth_rate_limited_total", "kind=\"user\"")).isGreaterThanOrEqualTo(1);

        AppHarness.Reply other = app.as(token("unlimited", Map.of("rate_limit", 3))).get(DOCUMENTS);
        assertThat(other.status()).isEqualTo(200);
        assertThat(header(other, "X-RateLimit-Remaining")).isEqualTo("2");
    }

    @Test
    void withoutAClaimTheHighestDefaultOfTheCallersRolesApplies() {
        AppHarness reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
        for (int i = 0; i < READER_LIMIT; i++) {
            assertThat(reader.get(DOCUMENTS).status()).isEqualTo(200);
        }
        AppHarness.Reply refused = reader.get(DOCUMENTS);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(header(refused, "X-RateLimit-Limit")).isEqualTo(Integer.toString(READER_LIMIT));
        // admin has the roles admin and user
        assertThat(header(app.get(DOCUMENTS), "X-RateLimit-Limit")).isEqualTo(Integer.toString(ADMIN_LIMIT));
    }

    @Test
    void theTokensOfOneApiKeyShareItsLimit() {
        Map<String, Object> key = Map.of("rate_limit", 2, "roles", List.of("user"));
        assertThat(app.as(keyToken("svc-one", key)).get(DOCUMENTS).status()).isEqualTo(200);
        assertThat(app.as(keyToken("svc-two", key)).get(DOCUMENTS).status()).isEqualTo(200);

        assertThat(app.as(keyToken("svc-three", key)).get(DOCUMENTS).status()).isEqualTo(429);
        assertThat(Scrape.of(app).value("dsp_auth_rate_limited_total", "kind=\"key\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void publicPathsAndLoginsAreNotCounted() {
        for (int i = 0; i < 2 * READER_LIMIT; i++) {
            AppHarness.Reply health = app.anonymous().get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.headers()).doesNotContainKey("X-RateLimit-Limit");
            app.login(AppHarness.READER, AppHarness.READER_PASSWORD);
        }
    }

    @Test
    void aCallerCannotSetTheRateLimitHeadersOfItsAnswer() {
        AppHarness.Reply reply = app.as(token("forger", Map.of("rate_limit", 5)))
                .getWithHeaders(DOCUMENTS, Map.of("X-RateLimit-Remaining", "999", "X-RateLimit-Limit", "999"));

        assertThat(reply.headers().get("X-RateLimit-Remaining")).containsExactly("4");
        assertThat(reply.headers().get("X-RateLimit-Limit")).containsExactly("5");
    }

    private static String token(String subject, Map<String, Object> claims) {
        Map<String, Object> all = new HashMap<>(claims);
        all.put("roles", List.of("user"));
        return tokens.issue(subject, all).accessToken();
    }

    /** A token issued for the API key {@code key-reports}, as POST /token with that key issues them. */
    private static String keyToken(String subject, Map<String, Object> claims) {
        return tokens.issue(subject, claims, "key-reports", null).accessToken();
    }

    private static String header(AppHarness.Reply reply, String name) {
        List<String> values = reply.headers().get(name);
        assertThat(values).as(name).hasSize(1);
        return values.get(0);
    }

    private static JsonNode auditRecord(String requestId) throws Exception {
        for (String line : Files.readAllLines(app.dataDir.resolve("audit").resolve("audit.log"))) {
            JsonNode record = AppHarness.JSON.readTree(line);
            if (requestId.equals(record.path("requestId").asText())) {
                return record;
            }
        }
        throw new AssertionError("no audit record of request " + requestId);
    }
}
