package ai.dsp.platform.app;

import ai.dsp.platform.testing.SftpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The remote-folder contract over SFTP (Apache MINA SSHD), with the server's host key checked strictly. */
class SftpIngestionTest extends RemoteFileServerContract {

    private final SftpServer server = new SftpServer();

    @Override
    void startServer() {
        server.start();
    }

    @Override
    void stopServer() {
        server.stop();
    }

    @Override
    void closeServer() {
        server.close();
    }

    @Override
    Path serverRoot() {
        return server.root();
    }

    @Override
    String documentSource(String path) {
        return "sftp:" + path;
    }

    @Override
    List<String> settings() {
        Path knownHosts = work.resolve("known_hosts");
        try {
            Files.writeString(knownHosts, server.knownHostsLine() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("--dsp.sftp.enabled=true", "--dsp.sftp.directory=" + FOLDER, "--dsp.sftp.poll-delay=200ms",
                "--dsp.sftp.host=127.0.0.1", "--dsp.sftp.port=" + server.port(),
                "--dsp.sftp.username=" + SftpServer.USER, "--dsp.sftp.password=" + SftpServer.PASSWORD,
                "--dsp.sftp.known-hosts-file=" + knownHosts, "--dsp.sftp.strict-host-key-checking=yes",
                "--dsp.sftp.min-file-age=200ms");
    }
}
