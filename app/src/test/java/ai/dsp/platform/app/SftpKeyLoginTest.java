package ai.dsp.platform.app;

import ai.dsp.platform.testing.SftpServer;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SFTP ingestion with a key login (an encrypted OpenSSH key, as a mounted secret would hold it)
 * on a server that refuses passwords: the account logs in, the file is ingested and moved.
 */
class SftpKeyLoginTest {

    private static final String PASSPHRASE = "key&pass+phrase=1";

    @TempDir
    static Path work;
    static SftpServer server;
    static AppHarness app;

    @BeforeAll
    static void start() throws Exception {
        KeyPair key = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
        Path privateKey = work.resolve("sftp-key");
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        key.writePrivateKey(pem, PASSPHRASE.getBytes(StandardCharsets.UTF_8));
        Files.write(privateKey, pem.toByteArray());
        ByteArrayOutputStream authorized = new ByteArrayOutputStream();
        key.writePublicKey(authorized, "dsp-test");
        PublicKey publicKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(authorized.toString(StandardCharsets.US_ASCII).trim())
                .resolvePublicKey(null, null, null);

        server = new SftpServer();
        server.keyLoginOnly(publicKey);
        server.start();
        Path knownHosts = work.resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLine() + "\n");
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.sftp.enabled=true", "--dsp.sftp.directory=incoming", "--dsp.sftp.poll-delay=200ms",
                "--dsp.sftp.host=127.0.0.1", "--dsp.sftp.port=" + server.port(), "--dsp.sftp.username=" + SftpServer.USER,
                "--dsp.sftp.private-key-file=" + privateKey, "--dsp.sftp.private-key-passphrase=" + PASSPHRASE,
                "--dsp.sftp.known-hosts-file=" + knownHosts, "--dsp.sftp.strict-host-key-checking=yes",
                "--dsp.sftp.min-file-age=200ms");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAccountWithOnlyAKeyLogsInAndItsFilesAreIngested() {
        TestFiles.drop(server.root().resolve("incoming/keys"), "keyed.txt",
                "Lighthouse keepers log the lamp hours every night.".getBytes(StandardCharsets.UTF_8));

        String id = IndexedDocuments.awaitFileIndexed(app, "keys", "keyed.txt");
        assertThat(app.get("/api/v1/documents/" + id).body().path("source").asText()).isEqualTo("sftp:keys/keyed.txt");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(server.root().resolve("incoming/.done/keys/keyed.txt")));
    }
}
