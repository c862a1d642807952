package ai.dsp.platform.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS from a configured keystore (a certificate the test makes with keytool) and CORS closed but to the configured origins. */
class TransportSecurityTest {

    private static final String PASSWORD = "keystore-test-password";

    @TempDir
    Path work;

    @Test
    void theApiIsServedOverHttpsWithTheConfiguredCertificateAndNotOverPlainHttp() throws Exception {
        Path keystore = work.resolve("tls.p12");
        Path certificate = work.resolve("tls.pem");
        keytool("-genkeypair", "-alias", "dsp", "-keyalg", "EC", "-groupname", "secp256r1", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2");
        keytool("-exportcert", "-rfc", "-alias", "dsp", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DspApplication.class).run(
                "--server.port=0", "--dsp.data-dir=" + work.resolve("data"), "--dsp.inbox=" + work.resolve("inbox"),
                "--dsp.auth.users-file=" + work.resolve("no-users.yaml"),
                "--server.ssl.key-store=" + keystore, "--server.ssl.key-store-type=PKCS12",
                "--server.ssl.key-store-password=" + PASSWORD, "--server.ssl.key-alias=dsp")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certificate)).connectTimeout(Duration.ofSeconds(5)).build();
            String password = Files.readString(work.resolve("data/auth/initial-admin-password")).strip();

            HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> token = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + password + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(token.statusCode()).isEqualTo(200);
            assertThat(token.body()).contains("access_token");
            // a client that does not trust the certificate is refused the handshake
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(400);
        }
    }

    @Test
    void crossSiteCallsAreAllowedOnlyFromTheConfiguredOrigins() throws Exception {
        try (AppHarness app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.auth.cors-allowed-origins=https://portal.example.com")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> allowed = http.send(preflight(app, "https://portal.example.com"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> other = http.send(preflight(app, "https://evil.example"), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> actual = http.send(HttpRequest.newBuilder(app.uri("/api/v1/documents"))
                    .header("Origin", "https://evil.example").header("Authorization", "Bearer " + app.login("admin", AppHarness.ADMIN_PASSWORD))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://portal.example.com");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(actual.statusCode()).isEqualTo(403);
        }
    }

    private static HttpRequest preflight(AppHarness app, String origin) {
        return HttpRequest.newBuilder(app.uri("/api/v1/retrieve")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").build();
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("dsp", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
