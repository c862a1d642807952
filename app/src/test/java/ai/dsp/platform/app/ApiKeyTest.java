package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * API keys against the running app: the seed's key files unchanged, POST /token with a key or an
 * inline config, X-API-Key calls, the /api-keys calls and /decode for admins only.
 */
class ApiKeyTest {

    private static final Path SEED_FILES = Path.of("auth", "src", "test", "resources", "seed-api-keys");

    @TempDir
    static Path dir;
    private static AppHarness app;

    @BeforeAll
    static void start() throws IOException {
        Path keys = Files.createDirectories(dir.resolve("api_keys"));
        for (String file : List.of("formula_test_key.yaml", "base_api_key.yaml", "api_key_jwe_example.yaml")) {
            Files.copy(SEED_FILES.resolve(file), keys.resolve(file));
        }
        app = AppHarness.start(dir.resolve("data"), dir.resolve("inbox"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static JsonNode payload(String jwt) throws IOException {
        return AppHarness.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static AppHarness.Reply login(String user, String password, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("username", user);
        body.put("password", password);
        return app.anonymous().postJson("/token", body);
    }

    @Test
    void theSeedsFormulaKeyFileGivesItsClaimsAndLifetime() throws IOException {
        AppHarness.Reply reply = login("admin", AppHarness.ADMIN_PASSWORD, Map.of("api_key", "formula_test_key",
                "context", Map.of("requested_model", "gpt-4", "requested_operation", "admin")));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode claims = payload(reply.body().get("access_token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo("admin");
        assertThat(claims.get("tier").asText()).isEqualTo("premium");
        assertThat(claims.get("requests_per_minute").asLong()).isEqualTo(2);
        assertThat(claims.get("max_tokens_allowed").asLong()).isEqualTo(4096);
        assertThat(claims.get("effective_rate_limit").asDouble()).isEqualTo(180.0);
        assertThat(claims.get("is_allowed_model").asBoolean()).isTrue();
        assertThat(claims.get("api_key_id").asText()).startsWith("legacy-");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(12 * 3600);
        assertThat(claims.has("exp_hours")).isFalse();
    }

    @Test
    void anUnknownKeyIsRefusedWhereTheSeedFellBackToTheBaseClaims() throws IOException {
        AppHarness.Reply unknown = login("admin", AppHarness.ADMIN_PASSWORD, Map.of("api_key", "no_such_key"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body().get("error").asText()).isEqualTo("unauthorized");
        assertThat(unknown.body().get("message").asText()).isEqualTo("Invalid API key");

        JsonNode base = payload(login("admin", AppHarness.ADMIN_PASSWORD, Map.of()).body().get("access_token").asText());
        assertThat(base.get("tier").asText()).isEqualTo("standard");
        assertThat(base.get("usage").get("remaining_tokens").asLong()).isEqualTo(10000);
        assertThat(base.has("api_key_id")).isFalse();
    }

    @Test
    void aKeyCannotMakeItsHolderAnAdminNorChangeTheSubject() {
        AppHarness.Reply reply = login(AppHarness.READER, AppHarness.READER_PASSWORD, Map.of("api_key", "api_key_jwe_example"));

        assertThat(reply.status()).isEqualTo(200);
        String token = reply.body().get("access_token").asText();
        // the key's tokens are JWEs: the admin's /decode opens and verifies them
        JsonNode claims = app.postJson("/decode", Map.of("token", token)).body();
        assertThat(claims.get("sub").asText()).isEqualTo(AppHarness.READER);
        // the key asks for [admin, user]: the reader keeps only what they have
        assertThat(claims.get("roles")).extracting(JsonNode::asText).containsExactly("user");
        assertThat(claims.get("security_level").asText()).isEqualTo("high");
        assertThat(app.as(token).get("/api-keys").status()).isEqualTo(403);
    }

    @Test
    void aKeyWithJweConfigGetsTheSeedsJweWhichWorksWhereverATokenDoes() throws Exception {
        AppHarness.Reply reply = login(AppHarness.READER, AppHarness.READER_PASSWORD, Map.of("api_key", "api_key_jwe_example"));

        assertThat(reply.body().get("token_type").asText()).isEqualTo("JWE");
        assertThat(reply.body().get("encryption").asText()).isEqualTo("A256GCM");
        String jwe = reply.body().get("access_token").asText();
        JWEObject parsed = JWEObject.parse(jwe);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.DIR);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo("api-key-jwe-001");
        assertThat(parsed.getHeader().getCompressionAlgorithm()).isEqualTo(CompressionAlgorithm.DEF);
        // the seed's plaintext: {"jwt": "<signed JWT>"}
        parsed.decrypt(new DirectDecrypter(Base64.getDecoder().decode("pArpqi3lKdqdBOArPb5l0+hOM2LZSX51Dvta4IoiAYM=")));
        String inner = parsed.getPayload().toJSONObject().get("jwt").toString();
        assertThat(payload(inner).get("api_key_id").asText()).isEqualTo("api-key-jwe-001");

        assertThat(app.as(jwe).get("/api/v1/documents").status()).isEqualTo(200);
        AppHarness.Reply refreshed = app.anonymous().postRaw("/refresh", "",
                Map.of("Authorization", "Bearer " + reply.body().get("refresh_token").asText()));
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.body().get("token_type").asText()).isEqualTo("JWE");
        assertThat(app.as(refreshed.body().get("access_token").asText()).get("/api/v1/documents").status()).isEqualTo(200);

        // the same kid with another key: refused like any bad token
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        JWEObject forged = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).keyID("api-key-jwe-001").build(),
                new Payload(Map.of("jwt", inner)));
        forged.encrypt(new DirectEncrypter(otherKey));
        AppHarness.Reply refused = app.as(forged.serialize()).get("/api/v1/documents");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().get("message").asText()).isEqualTo("the bearer token was refused (invalid)");
    }

    @Test
    void anInlineConfigIsForAdminsOnly() throws IOException {
        Map<String, Object> inline = Map.of("api_key_config", Map.of("id", "fd-jwt-config",
                "claims", Map.of("static", Map.of("tier", "gateway", "aud", "elsewhere"))));

        assertThat(login(AppHarness.READER, AppHarness.READER_PASSWORD, inline).status()).isEqualTo(403);
        AppHarness.Reply admin = login("admin", AppHarness.ADMIN_PASSWORD, inline);
        assertThat(admin.status()).isEqualTo(200);
        JsonNode claims = payload(admin.body().get("access_token").asText());
        assertThat(claims.get("tier").asText()).isEqualTo("gateway");
        assertThat(claims.get("aud").asText()).isEqualTo("dsp-ai-platform");
        assertThat(claims.get("api_key_id").asText()).isEqualTo("fd-jwt-config");
    }

    @Test
    void adminsManageKeysByOneIdAndAKeyAuthenticatesAsItsOwner() {
        assertThat(app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD)).postJson("/api-keys", Map.of("owner", "x")).status())
                .isEqualTo(403);
        assertThat(app.postJson("/api-keys", Map.of("static_claims", Map.of())).status()).isEqualTo(400);

        AppHarness.Reply created = app.postJson("/api-keys", Map.of("owner", AppHarness.READER,
                "static_claims", Map.of("tier", "premium", "roles", List.of("admin"))));
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().get("id").asText();
        String secret = created.body().get("api_key").asText();
        assertThat(created.body().get("provider_permissions").get(0).asText()).isEqualTo("openai");
        assertThat(created.body().has("key_sha256")).isFalse();

        AppHarness.Reply listed = app.get("/api-keys");
        assertThat(listed.body().findValuesAsText("id")).contains(id).doesNotContain("base-api-key");
        assertThat(listed.body().toString()).doesNotContain(secret);

        Map<String, String> keyHeader = Map.of("X-API-Key", secret);
        AppHarness.Reply withKey = app.anonymous().getWithHeaders("/api/v1/documents", keyHeader);
        assertThat(withKey.status()).isEqualTo(200);
        String requestId = withKey.headers().get("X-Request-Id").get(0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readAllLines(app.dataDir.resolve("audit").resolve("audit.log")))
                .filteredOn(line -> line.contains(requestId))
                .singleElement().satisfies(line -> assertThat(line).contains("\"principal\":\"" + AppHarness.READER + "\"")
                        .contains("\"keyId\":\"" + id + "\"").doesNotContain(secret)));
        // the owner is a reader: the key's roles claim does not make it an admin
        assertThat(app.anonymous().getWithHeaders("/api-keys", keyHeader).status()).isEqualTo(403);
        AppHarness.Reply wrong = app.anonymous().getWithHeaders("/api/v1/documents", Map.of("X-API-Key", secret + "x"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers().get("WWW-Authenticate")).isNotEmpty();
        assertThat(wrong.body().get("requestId").asText()).isNotBlank();
        assertThat(wrong.body().get("message").asText()).isEqualTo("the API key was refused");

        JsonNode shown = app.get("/api-keys/" + id).body();
        assertThat(shown.get("owner").asText()).isEqualTo(AppHarness.READER);
        assertThat(shown.get("last_used").asText()).isNotBlank();
        assertThat(shown.has("key_sha256")).isFalse();

        AppHarness.Reply updated = app.putJson("/api-keys/" + id, Map.of("static_claims", Map.of("tier", "enterprise")));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body().get("claims").get("static").get("tier").asText()).isEqualTo("enterprise");

        AppHarness.Reply rotated = app.postJson("/api-keys/" + id + "/rotate", Map.of());
        assertThat(rotated.status()).isEqualTo(200);
        String next = rotated.body().get("api_key").asText();
        assertThat(next).isNotEqualTo(secret);
        assertThat(app.anonymous().getWithHeaders("/api/v1/documents", Map.of("X-API-Key", next)).status()).isEqualTo(200);
        assertThat(app.anonymous().getWithHeaders("/api/v1/documents", keyHeader).status()).isEqualTo(200);

        assertThat(app.delete("/api-keys/" + id).body().get("message").asText()).isEqualTo("API key deleted successfully");
        assertThat(app.anonymous().getWithHeaders("/api/v1/documents", Map.of("X-API-Key", next)).status()).isEqualTo(401);
        assertThat(app.get("/api-keys/" + id).status()).isEqualTo(404);
        assertThat(app.delete("/api-keys/" + id).status()).isEqualTo(404);
    }

    @Test
    void anXApiKeyCallerIsRateLimitedByTheKeysRateLimit() {
        String secret = app.postJson("/api-keys", Map.of("owner", AppHarness.READER, "static_claims", Map.of("rate_limit", 3)))
                .body().get("api_key").asText();
        Map<String, String> keyHeader = Map.of("X-API-Key", secret);

        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(app.anonymous().getWithHeaders("/api/v1/documents", keyHeader).status());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        // the reader's own bucket is another one
        assertThat(app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD)).get("/api/v1/documents").status()).isEqualTo(200);
    }

    @Test
    void decodeIsForAdminsAndSaysWhenItDidNotVerify() {
        String token = app.login(AppHarness.READER, AppHarness.READER_PASSWORD);

        assertThat(app.as(token).postJson("/decode", Map.of("token", token)).status()).isEqualTo(403);
        assertThat(app.anonymous().postJson("/decode", Map.of("token", token)).status()).isEqualTo(401);
        AppHarness.Reply verified = app.postJson("/decode", Map.of("token", token));
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.body().get("sub").asText()).isEqualTo(AppHarness.READER);
        assertThat(verified.body().has("warning")).isFalse();

        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(app.postJson("/decode", Map.of("token", tampered)).status()).isEqualTo(401);
        AppHarness.Reply unverified = app.postJson("/decode", Map.of("token", tampered, "skipVerification", true));
        assertThat(unverified.body().get("sub").asText()).isEqualTo("admin");
        assertThat(unverified.body().get("warning").asText()).contains("not verified");
        assertThat(app.postJson("/decode", Map.of("token", "garbage", "skipVerification", true)).status()).isEqualTo(400);
    }
}
