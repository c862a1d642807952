package ai.dsp.platform.auth.apikey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies the seed-format key files of the test resources into a key folder. */
final class SeedKeyFiles {

    static final Path SOURCE = Path.of("src", "test", "resources", "seed-api-keys");

    private SeedKeyFiles() {
    }

    /** {@code name} from the resources to {@code folder/target}, with {@code {port}} replaced. */
    static Path copy(String name, Path folder, String target, int port) {
        try {
            Files.createDirectories(folder);
            return Files.writeString(folder.resolve(target), Files.readString(SOURCE.resolve(name)).replace("{port}", String.valueOf(port)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
