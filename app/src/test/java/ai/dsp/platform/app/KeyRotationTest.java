package ai.dsp.platform.app;

import ai.dsp.platform.app.security.KeysCommand;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rotating the signing keys by the admin API and by the command, on a running app. */
class KeyRotationTest {

    @TempDir
    Path work;

    @Test
    void tokensOfThePreviousKeyStayValidAndThoseOfARetiredKeyAreRefused() throws Exception {
        try (AppHarness app = AppHarness.start(work.resolve("data"), work.resolve("inbox"))) {
            String old = app.login("admin", AppHarness.ADMIN_PASSWORD);
            String oldKid = SignedJWT.parse(old).getHeader().getKeyID();
            AppHarness reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));

            assertThat(reader.postRaw("/api/v1/admin/keys/rotate", "", Map.of()).status()).isEqualTo(403);
            AppHarness.Reply rotated = app.postRaw("/api/v1/admin/keys/rotate", "", Map.of());
            assertThat(rotated.status()).isEqualTo(200);
            String newKid = rotated.body().path("kid").asText();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(kids(app)).containsExactly(newKid, oldKid);
            assertThat(app.as(old).get("/api/v1/documents").status()).as("the previous key still verifies").isEqualTo(200);
            String fresh = app.login("admin", AppHarness.ADMIN_PASSWORD);
            assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isEqualTo(newKid);

            // the command, on the state folder of the running app: it reads the new set within a second
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = KeysCommand.run(List.of("rotate", app.dataDir.resolve("auth").toString()), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> app.as(old).get("/api/v1/documents").status() == 401);
            assertThat(kids(app)).hasSize(2).doesNotContain(oldKid).contains(newKid);
            assertThat(app.as(fresh).get("/api/v1/documents").status()).isEqualTo(200);
        }
    }

    private static List<String> kids(AppHarness app) throws Exception {
        return JWKSet.parse(app.anonymous().getText("/.well-known/jwks.json").body()).getKeys().stream()
                .filter(key -> KeyUse.SIGNATURE.equals(key.getKeyUse())).map(JWK::getKeyID).toList();
    }
}
