package ai.dsp.platform.app;

import ai.dsp.platform.testing.FtpServer;

import java.nio.file.Path;
import java.util.List;

/** The remote-folder contract over FTP (Apache FtpServer), passive data connections. */
class FtpIngestionTest extends RemoteFileServerContract {

    private final FtpServer server = new FtpServer();

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
        return "ftp:" + path;
    }

    @Override
    List<String> settings() {
        return List.of("--dsp.ftp.enabled=true", "--dsp.ftp.directory=" + FOLDER, "--dsp.ftp.poll-delay=200ms",
                "--dsp.ftp.host=127.0.0.1", "--dsp.ftp.port=" + server.port(),
                "--dsp.ftp.username=" + FtpServer.USER, "--dsp.ftp.password=" + FtpServer.PASSWORD);
    }
}
