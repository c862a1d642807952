package ai.dsp.platform.app;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.token.DirectKeys;
import ai.dsp.platform.auth.token.InMemoryRevocations;
import ai.dsp.platform.auth.token.TokenService;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security against the running app: every endpoint but the public ones refuses a call without a
 * token, the admin role guards administration and deletion, and the seed's token calls work.
 */
class SecurityTest {

    /** The paths anyone may call (method and path template). */
    private static final Set<String> PUBLIC = Set.of("POST /token", "POST /refresh", "POST /validate", "POST /revoke",
            "GET /health", "GET /.well-known/jwks.json", "GET /.well-known/openid-configuration", "GET /metrics",
            // the Front Door's token broker: the credentials are in the body, as for /token
            "POST /{project}/{module}/token");

    @TempDir
    static Path work;

    private static AppHarness app;
    private static AppHarness reader;

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"));
        reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyEndpointButThePublicOnesRefusesACallWithoutAToken() {
        List<String> operations = operations();
        assertThat(operations).contains("GET /api/v1/documents", "DELETE /api/v1/documents/{id}", "POST /api/v1/admin/evaluations")
                .containsAll(PUBLIC);

        for (String operation : operations) {
            AppHarness.Reply reply = call(app.anonymous(), operation);
            if (PUBLIC.contains(operation)) {
                // the filter let it through; /refresh itself may still want its refresh token
                assertThat(reply.status()).as(operation).isNotEqualTo(403);
                assertThat(reply.body().path("message").asText()).as(operation).doesNotStartWith("authentication required");
            } else {
                assertThat(reply.status()).as(operation).isEqualTo(401);
                assertThat(reply.headers().get("WWW-Authenticate")).as(operation).anyMatch(value -> value.startsWith("Bearer"));
                assertThat(reply.body().path("error").asText()).as(operation).isEqualTo("unauthorized");
                assertThat(reply.body().path("requestId").asText()).as(operation).isNotBlank();
            }
        }
        for (String actuator : List.of("GET /actuator", "GET /actuator/info", "GET /api/v1/anything-else")) {
            assertThat(call(app.anonymous(), actuator).status()).as(actuator).isEqualTo(401);
        }
    }

    @Test
    void administrationAndDeletionNeedTheAdminRole() {
        AppHarness.Reply deletion = reader.delete("/api/v1/documents/some-document");
        assertThat(deletion.status()).isEqualTo(403);
        assertThat(deletion.body().path("error").asText()).isEqualTo("forbidden");
        assertThat(reader.postJson("/api/v1/admin/evaluations", Map.of("dataset", "x")).status()).isEqualTo(403);
        assertThat(reader.get("/api/v1/documents").status()).isEqualTo(200);

        assertThat(app.delete("/api/v1/documents/some-document").status()).isEqualTo(404);
        assertThat(app.postJson("/api/v1/admin/evaluations", Map.of("dataset", "no-such-dataset")).status()).isEqualTo(400);
    }

    @Test
    void healthTellsAnonymousCallersOnlyWhetherThePlatformIsUp() {
        JsonNode anonymous = app.anonymous().get("/health").body();
        JsonNode signedIn = app.get("/health").body();

        assertThat(anonymous.path("status").asText()).isEqualTo("UP");
        assertThat(anonymous.has("store")).isFalse();
        assertThat(signedIn.path("store").path("chunks").has("default")).isTrue();
    }

    @Test
    void loginAnswersAlikeForAnUnknownUserAndAWrongPassword() {
        AppHarness.Reply wrongPassword = app.anonymous().postJson("/token", Map.of("username", "admin", "password", "guess"));
        AppHarness.Reply unknownUser = app.anonymous().postJson("/token", Map.of("username", "nobody", "password", "guess"));
        AppHarness.Reply missing = app.anonymous().postJson("/token", Map.of("username", "admin"));

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(unknownUser.body().path("message")).isEqualTo(wrongPassword.body().path("message"));
        assertThat(wrongPassword.body().path("message").asText()).isEqualTo("Invalid username or password");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("message").asText()).isEqualTo("Missing username or password");
    }

    @Test
    void passwordGuessingIsThrottledPerAccountWithRetryAfter() {
        for (int i = 0; i < 10; i++) {
            assertThat(app.anonymous().postJson("/token", Map.of("username", "guesser", "password", "guess-" + i)).status()).isEqualTo(401);
        }

        AppHarness.Reply throttled = app.anonymous().postJson("/token", Map.of("username", "guesser", "password", "one-more"));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body().path("error").asText()).isEqualTo("too_many_requests");
        assertThat(throttled.headers().get("Retry-After")).singleElement()
                .satisfies(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 300));
        // other accounts from the same address still sign in
        assertThat(app.anonymous().postJson("/token", Map.of("username", "admin", "password", AppHarness.ADMIN_PASSWORD)).status())
                .isEqualTo(200);
    }

    @Test
    void aRefreshTokenIsSpentOnUseAndIsNoAccessToken() {
        JsonNode login = app.anonymous().postJson("/token", Map.of("username", "admin", "password", AppHarness.ADMIN_PASSWORD)).body();
        String refresh = login.path("refresh_token").asText();
        String access = login.path("access_token").asText();

        assertThat(app.as(refresh).get("/api/v1/documents").status()).as("a refresh token as access token").isEqualTo(401);
        assertThat(app.as(access).postRaw("/refresh", "", Map.of()).status()).as("an access token at /refresh").isEqualTo(401);

        AppHarness.Reply renewed = app.as(refresh).postRaw("/refresh", "", Map.of());
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(app.as(renewed.body().path("access_token").asText()).get("/api/v1/documents").status()).isEqualTo(200);
        AppHarness.Reply reused = app.as(refresh).postRaw("/refresh", "", Map.of());
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.body().path("message").asText()).contains("revoked");
        // the reuse revoked the whole family: the renewed refresh token is spent too
        assertThat(app.anonymous().postJson("/refresh", Map.of("refresh_token", renewed.body().path("refresh_token").asText())).status())
                .isEqualTo(401);
    }

    @Test
    void validateReportsValidExpiredAndForged() throws Exception {
        String valid = app.login("admin", AppHarness.ADMIN_PASSWORD);
        TokenService past = TokenService.open(app.bean(AuthProperties.class), DirectKeys.NONE, new InMemoryRevocations(Clock.systemUTC()),
                Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC));
        String expired = past.issue("admin", Map.of()).accessToken();

        JsonNode ok = app.anonymous().postJson("/validate", Map.of("token", valid)).body();
        assertThat(ok.path("valid").asBoolean()).isTrue();
        assertThat(ok.path("subject").asText()).isEqualTo("admin");
        assertThat(ok.path("expiry_time").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
        JsonNode old = app.anonymous().postJson("/validate", Map.of("token", expired)).body();
        assertThat(old.path("valid").asBoolean()).isFalse();
        assertThat(old.path("expired").asBoolean()).isTrue();
        assertThat(old.path("signature_verified").asBoolean()).isTrue();
        assertThat(app.as(expired).get("/api/v1/documents").status()).isEqualTo(401);
        JsonNode forged = app.anonymous().postJson("/validate", Map.of("token", valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA")).body();
        assertThat(forged.path("valid").asBoolean()).isFalse();
        assertThat(forged.path("expired").asBoolean()).isFalse();
    }

    @Test
    void aRevokedTokenIsRefusedAndRevokingByIdNeedsAnAdmin() throws Exception {
        String token = app.login(AppHarness.READER, AppHarness.READER_PASSWORD);
        String jti = SignedJWT.parse(app.login("admin", AppHarness.ADMIN_PASSWORD)).getJWTClaimsSet().getJWTID();

        assertThat(app.anonymous().postJson("/revoke", Map.of("token", token)).status()).isEqualTo(200);
        assertThat(app.as(token).get("/api/v1/documents").status()).isEqualTo(401);
        assertThat(reader.postJson("/revoke", Map.of("jti", jti)).status()).isEqualTo(403);
        assertThat(app.anonymous().postJson("/revoke", Map.of("jti", jti)).status()).isEqualTo(403);
        assertThat(app.postJson("/revoke", Map.of("jti", jti)).status()).isEqualTo(200);
    }

    @Test
    void theJwksVerifiesIssuedTokensAndForgeriesAreRefused() throws Exception {
        JWKSet jwks = JWKSet.parse(app.anonymous().getText("/.well-known/jwks.json").body());
        JsonNode discovery = app.anonymous().get("/.well-known/openid-configuration").body();
        String token = app.login("admin", AppHarness.ADMIN_PASSWORD);
        SignedJWT jwt = SignedJWT.parse(token);
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());

        assertThat(jwks.getKeys()).isNotEmpty().allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        assertThat(jwt.verify(new RSASSAVerifier(key))).as("another service can verify with the published key").isTrue();
        assertThat(discovery.path("jwks_uri").asText()).isEqualTo("http://127.0.0.1:" + app.port + "/.well-known/jwks.json");
        assertThat(discovery.path("issuer").asText()).isEqualTo(jwt.getJWTClaimsSet().getIssuer());

        List<String> forgeries = new ArrayList<>();
        forgeries.add(Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + jwt.getPayload().toBase64URL() + ".");
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), jwt.getJWTClaimsSet());
        confused.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
        forgeries.add(confused.serialize());
        forgeries.add(token.substring(0, token.lastIndexOf('.')) + "." + "A".repeat(9 * 1024));
        for (String forged : forgeries) {
            AppHarness.Reply reply = app.as(forged).get("/api/v1/documents");
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.body().toString()).doesNotContain(forged);
        }
    }

    @Test
    void retrieveAndQueryShowEachCallerOnlyWhatTheirAclAllows() {
        AppHarness.Reply accepted = app.postJson("/api/v1/documents/text?collection=acl", List.of(
                Map.of("id", "acl-open", "content", "The canteen serves lunch at noon for everyone."),
                Map.of("id", "acl-staff", "content", "The staff canteen lunch menu changes on Mondays.",
                        "metadata", Map.of("allowed_groups", List.of("staff"))),
                Map.of("id", "acl-reader", "content", "A lunch voucher for the reader at the canteen.",
                        "metadata", Map.of("allowed_users", List.of(AppHarness.READER))),
                Map.of("id", "acl-finance", "content", "Finance pays the canteen lunch invoices.",
                        "metadata", Map.of("allowed_groups", List.of("finance")))));
        assertThat(accepted.status()).isEqualTo(202);
        // the ingestion itself is not the caller's: watch it in the registry, which sees every document
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                app.bean(ai.dsp.platform.document.DocumentRegistry.class).list("acl", ai.dsp.platform.document.DocumentStatus.INDEXED, 0, 10)
                        .total() == 4);

        assertThat(visible(reader, "/api/v1/retrieve")).containsExactlyInAnyOrder("acl-open", "acl-staff", "acl-reader");
        assertThat(visible(reader, "/api/v1/query")).containsExactlyInAnyOrder("acl-open", "acl-staff", "acl-reader");
        // roles grant actions, not documents: the admin is in neither list
        assertThat(visible(app, "/api/v1/retrieve")).containsExactly("acl-open");
        // the request's own filter cannot widen the ACL
        assertThat(visibleWithFilter(reader, Map.of("documentId", "acl-finance"))).isEmpty();
        // the document list and status follow the same ACL
        List<String> listed = new ArrayList<>();
        reader.get("/api/v1/documents?collection=acl").body().path("items").forEach(item -> listed.add(item.path("id").asText()));
        assertThat(listed).containsExactlyInAnyOrder("acl-open", "acl-staff", "acl-reader");
        assertThat(reader.get("/api/v1/documents/acl-staff").status()).isEqualTo(200);
        assertThat(reader.get("/api/v1/documents/acl-finance").status()).isEqualTo(404);
    }

    private static List<String> visible(AppHarness caller, String path) {
        JsonNode body = caller.postJson(path, Map.of("query", "canteen lunch", "collection", "acl", "k", 10)).body();
        List<String> ids = new ArrayList<>();
        body.path(path.endsWith("query") ? "sources" : "results").forEach(hit -> ids.add(hit.path("document_id").asText()));
        return ids;
    }

    private static List<String> visibleWithFilter(AppHarness caller, Map<String, Object> filter) {
        List<String> ids = new ArrayList<>();
        caller.postJson("/api/v1/retrieve", Map.of("query", "canteen lunch", "collection", "acl", "filter", filter)).body()
                .path("results").forEach(hit -> ids.add(hit.path("document_id").asText()));
        return ids;
    }

    @Test
    void loginsRefusalsAndRevocationsAreCounted() {
        Scrape before = Scrape.of(app);
        String token = app.login(AppHarness.READER, AppHarness.READER_PASSWORD);
        app.anonymous().postJson("/token", Map.of("username", "admin", "password", "guess"));
        app.anonymous().get("/api/v1/documents");
        reader.delete("/api/v1/documents/x");
        app.anonymous().postJson("/revoke", Map.of("token", token));
        app.as(token).get("/api/v1/documents");
        Scrape after = Scrape.of(app);

        assertThat(delta(before, after, "dsp_auth_tokens_issued_total", "method=\"password\"")).isEqualTo(1);
        assertThat(delta(before, after, "dsp_auth_failures_total", "reason=\"bad_credentials\"")).isEqualTo(1);
        assertThat(delta(before, after, "dsp_auth_failures_total", "reason=\"missing\"")).isEqualTo(1);
        assertThat(delta(before, after, "dsp_auth_failures_total", "reason=\"forbidden\"")).isEqualTo(1);
        assertThat(delta(before, after, "dsp_auth_failures_total", "reason=\"revoked\"")).isEqualTo(1);
        assertThat(delta(before, after, "dsp_auth_revocations_total", "kind=\"token\"")).isEqualTo(1);
        assertThat(after.value("dsp_auth_token_validation_duration_seconds_count")).isGreaterThan(0);
        assertThat(after.text()).doesNotContain(token);
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        double was = before.value(name, labels);
        return after.value(name, labels) - (Double.isNaN(was) ? 0 : was);
    }

    /** The REST operations Camel serves, as "METHOD /path/{template}". */
    private static List<String> operations() {
        List<String> operations = new ArrayList<>();
        for (RestDefinition rest : app.camel().getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = (rest.getPath() == null ? "" : rest.getPath()) + (verb.getPath() == null ? "" : verb.getPath());
                operations.add(verb.asVerb().toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        return operations;
    }

    private static AppHarness.Reply call(AppHarness caller, String operation) {
        String[] parts = operation.split(" ", 2);
        String path = parts[1].replaceAll("\\{[^}]+}", "x");
        return switch (parts[0]) {
            case "GET" -> caller.get(path);
            case "DELETE" -> caller.delete(path);
            default -> caller.postRaw(path, "{}", Map.of());
        };
    }
}
