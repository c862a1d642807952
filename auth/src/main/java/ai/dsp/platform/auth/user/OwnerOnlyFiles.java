package ai.dsp.platform.auth.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold secrets: created readable and writable by their owner only, before anything is written. */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} (it must not exist) as mode 600 and writes {@code content}. */
    public static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
