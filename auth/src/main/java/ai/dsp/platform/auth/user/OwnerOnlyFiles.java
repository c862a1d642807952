package ai.dsp.platform.auth.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold secrets: owner-only from their first byte, and published by an atomic rename,
 * so that replicas sharing a state folder never read a half-written one.
 */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Writes {@code content} to a new owner-only file beside {@code file}, ready to {@link #publish}. */
    public static Path stage(Path file, String content) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path staged = Files.createTempFile(folder, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(staged, content, StandardCharsets.UTF_8);
        return staged;
    }

    /**
     * Renames a staged file to {@code file} unless one exists; false when another process got there
     * first (the staged file is then removed and theirs stands).
     */
    public static boolean publish(Path staged, Path file) throws IOException {
        try {
            // a hard link fails if the name exists, and shows the file whole or not at all
            Files.createLink(file, staged);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /** Writes {@code file} owner-only, replacing what was there in one rename: readers see the old file or the new one whole. */
    public static void replace(Path file, String content) throws IOException {
        Files.move(stage(file, content), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates {@code file} with {@code content} unless it exists; true if this call created it. */
    public static boolean create(Path file, String content) throws IOException {
        return publish(stage(file, content), file);
    }
}
