package ai.dsp.platform.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWEs against the running app, as a client makes them: a token from {@code POST /token}
 * encrypted to the {@code use: enc} key of {@code /.well-known/jwks.json} is accepted wherever the
 * token is; JWEs to another key, with a downgraded algorithm or an unknown kid get the same 401
 * as any bad token, and no log line (at debug, security's too) holds a token.
 */
class JweTest {

    private static final String REFUSED = "the bearer token was refused (invalid)";

    @TempDir
    static Path work;

    private static AppHarness app;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void start() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--logging.level.ai.dsp.platform=DEBUG", "--logging.level.org.springframework.security=DEBUG");
        LOGS.start();
        root().addAppender(LOGS);
    }

    @AfterAll
    static void stop() {
        root().detachAppender(LOGS);
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anRsaOaepJweOfAnAccessTokenIsAcceptedAsBearerAndByValidate() throws Exception {
        String access = app.login("admin", AppHarness.ADMIN_PASSWORD);
        RSAKey platform = encryptionKey();
        String jwe = jwe(JWEAlgorithm.RSA_OAEP_256, platform.getKeyID(), access, new RSAEncrypter(platform));

        assertThat(app.as(jwe).get("/api/v1/documents").status()).isEqualTo(200);
        JsonNode validated = app.anonymous().postJson("/validate", Map.of("token", jwe)).body();
        assertThat(validated.path("valid").asBoolean()).isTrue();
        assertThat(validated.path("subject").asText()).isEqualTo("admin");
        assertThat(validated.path("type").asText()).isEqualTo("access");
    }

    @Test
    void aJweRefreshTokenGivesJweTokensAndIsSpent() throws Exception {
        JsonNode login = app.anonymous().postJson("/token", Map.of("username", "admin", "password", AppHarness.ADMIN_PASSWORD)).body();
        RSAKey platform = encryptionKey();
        String refresh = jwe(JWEAlgorithm.RSA_OAEP_256, platform.getKeyID(), login.path("refresh_token").asText(), new RSAEncrypter(platform));

        AppHarness.Reply renewed = app.as(refresh).postRaw("/refresh", "", Map.of());
        assertThat(renewed.status()).isEqualTo(200);
        String access = renewed.body().path("access_token").asText();
        assertThat(JWEObject.parse(access).getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.RSA_OAEP_256);
        assertThat(JWEObject.parse(renewed.body().path("refresh_token").asText()).getHeader().getKeyID()).isEqualTo(platform.getKeyID());
        assertThat(app.as(access).get("/api/v1/documents").status()).isEqualTo(200);
        assertThat(app.as(refresh).postRaw("/refresh", "", Map.of()).status()).as("spent").isEqualTo(401);
    }

    @Test
    void forgedJwesGetThe401OfAnyBadTokenAndNoLogLineHoldsAToken() throws Exception {
        String access = app.login(AppHarness.READER, AppHarness.READER_PASSWORD);
        RSAKey platform = encryptionKey();
        Map<String, String> forgeries = new LinkedHashMap<>();
        forgeries.put("to another RSA key", jwe(JWEAlgorithm.RSA_OAEP_256, platform.getKeyID(), access,
                new RSAEncrypter(new RSAKeyGenerator(3072).keyID(platform.getKeyID()).generate())));
        forgeries.put("RSA1_5 to the platform's key", jwe(JWEAlgorithm.RSA1_5, platform.getKeyID(), access, new RSAEncrypter(platform)));
        forgeries.put("dir with an unknown kid", jwe(JWEAlgorithm.DIR, "ak_nobody", access,
                new DirectEncrypter(new SecretKeySpec(random(32), "AES"))));
        LOGS.list.clear();

        for (Map.Entry<String, String> forged : forgeries.entrySet()) {
            AppHarness.Reply reply = app.as(forged.getValue()).get("/api/v1/documents");
            assertThat(reply.status()).as(forged.getKey()).isEqualTo(401);
            assertThat(reply.headers().get("WWW-Authenticate")).as(forged.getKey()).anyMatch(value -> value.startsWith("Bearer"));
            assertThat(fields(reply.body())).as(forged.getKey()).containsExactly("error", "message", "requestId");
            assertThat(reply.body().path("message").asText()).as(forged.getKey()).isEqualTo(REFUSED);
            JsonNode validated = app.anonymous().postJson("/validate", Map.of("token", forged.getValue())).body();
            assertThat(validated.path("valid").asBoolean()).as(forged.getKey()).isFalse();
            assertThat(validated.path("signature_verified").asBoolean()).as(forged.getKey()).isFalse();
            assertThat(validated.path("error").asText()).as(forged.getKey()).isEqualTo("invalid");
        }
        // the same 401 as a token that is no JWE at all: nothing tells the attacker which step failed
        assertThat(app.as("a.b.c").get("/api/v1/documents").body().path("message").asText()).isEqualTo(REFUSED);

        List<String> lines = logLines();
        assertThat(lines).as("debug logging is on and captured").anyMatch(line -> line.contains("bearer token refused"));
        List<String> secrets = new ArrayList<>(forgeries.values());
        secrets.add(access);
        secrets.add(access.substring(access.lastIndexOf('.') + 1));
        for (String secret : secrets) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
        }
    }

    /** The platform's public encryption key, as any client finds it. */
    private static RSAKey encryptionKey() throws Exception {
        List<JWK> keys = JWKSet.parse(app.anonymous().getText("/.well-known/jwks.json").body()).getKeys().stream()
                .filter(key -> KeyUse.ENCRYPTION.equals(key.getKeyUse())).toList();
        assertThat(keys).singleElement().satisfies(key -> {
            assertThat(key.getAlgorithm()).isEqualTo(JWEAlgorithm.RSA_OAEP_256);
            assertThat(key.isPrivate()).isFalse();
        });
        return (RSAKey) keys.get(0);
    }

    /** A JWE as the seed makes it: the plaintext is {@code {"jwt": token}}. */
    private static String jwe(JWEAlgorithm alg, String kid, String token, JWEEncrypter encrypter) throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(alg, EncryptionMethod.A256GCM).keyID(kid).build(),
                new Payload(JSONObjectUtils.toJSONString(Map.of("jwt", token))));
        jwe.encrypt(encrypter);
        return jwe.serialize();
    }

    private static List<String> fields(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Every captured line with the messages of its exceptions. */
    private static List<String> logLines() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(LOGS.list)) {
            StringBuilder line = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
                line.append(" | ").append(thrown.getMessage());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }
}
