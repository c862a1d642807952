package ai.dsp.platform.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Binaries the harness runs where no Maven artifact ships the server (redis-server, prometheus,
 * promtool): found on PATH, or a failure that names the Debian package to install. Never a skip.
 */
public final class Executables {

    private Executables() {
    }

    /** The executable {@code name} from PATH; fails naming {@code debianPackage} when there is none. */
    public static Path require(String name, String debianPackage) {
        return find(name, System.getenv("PATH")).orElseThrow(() -> new IllegalStateException(
                name + " is not on PATH: install the Debian package '" + debianPackage
                        + "' (apt-get install " + debianPackage + "), a prerequisite named in the README"));
    }

    /**
     * A server binary: from PATH, else from the sbin folders Debian installs servers into
     * (rabbitmq-server, mosquitto), which a non-root user's PATH often lacks.
     */
    public static Path requireServer(String name, String debianPackage) {
        String sbin = String.join(java.io.File.pathSeparator, "/usr/local/sbin", "/usr/sbin", "/sbin");
        String path = System.getenv("PATH");
        return find(name, path == null || path.isBlank() ? sbin : path + java.io.File.pathSeparator + sbin)
                .orElseGet(() -> require(name, debianPackage));
    }

    static Optional<Path> find(String name, String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        return Stream.of(path.split(Pattern.quote(java.io.File.pathSeparator)))
                .filter(folder -> !folder.isBlank())
                .map(folder -> Path.of(folder, name))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }
}
