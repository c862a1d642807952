package ai.dsp.platform.app.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A broker password given in the environment or as a file (a mounted secret), never both. */
public final class PasswordSource {

    private PasswordSource() {
    }

    /** Fails when both are given; {@code prefix} names the settings in the message, e.g. {@code dsp.amqp}. */
    public static void requireOne(String password, Path passwordFile, String prefix) {
        if (password != null && !password.isEmpty() && passwordFile != null) {
            throw new IllegalArgumentException("give " + prefix + ".password or " + prefix + ".password-file, not both");
        }
    }

    /** The password from the file (without its trailing line break) or as given; null when there is none. */
    public static String resolve(String password, Path passwordFile, String prefix) {
        if (passwordFile == null) {
            return password == null || password.isEmpty() ? null : password;
        }
        try {
            return Files.readString(passwordFile).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + prefix + ".password-file " + passwordFile, e);
        }
    }

    /** How settings print a password: never its value. */
    public static String masked(String password) {
        return password == null || password.isEmpty() ? "unset" : "***";
    }
}
