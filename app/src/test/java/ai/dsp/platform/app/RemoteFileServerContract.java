package ai.dsp.platform.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The remote-folder contract for servers that serve a folder on this disk (SFTP, FTP): the polled folder is {@code incoming}. */
abstract class RemoteFileServerContract extends RemoteFolderContract {

    static final String FOLDER = "incoming";

    /** The folder the platform's account sees as its home, on the server's disk. */
    abstract Path serverRoot();

    @Override
    void upload(String path, byte[] content) {
        Path file = serverRoot().resolve(incoming(path));
        TestFiles.drop(file.getParent(), file.getFileName().toString(), content);
    }

    @Override
    String read(String location) {
        Path file = serverRoot().resolve(location);
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    String incoming(String path) {
        return FOLDER + "/" + path;
    }

    @Override
    String done(String path) {
        return FOLDER + "/.done/" + path;
    }

    @Override
    String failed(String path) {
        return FOLDER + "/.failed/" + path;
    }
}
