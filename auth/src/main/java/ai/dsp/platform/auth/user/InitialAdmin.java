package ai.dsp.platform.auth.user;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The users file to use: the configured one, or, when there is none, one made at first start in
 * the state folder with an {@code admin} whose random password is written once to an owner-only
 * file beside it (as Elasticsearch and Jenkins do). The log names that file, never the password.
 */
public final class InitialAdmin {

    public static final String PASSWORD_FILE = "initial-admin-password";
    static final String GENERATED_USERS_FILE = "users.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(InitialAdmin.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private InitialAdmin() {
    }

    public static Path usersFile(Path configured, Path stateDir, PasswordEncoder encoder) {
        if (Files.exists(configured)) {
            return configured;
        }
        Path generated = stateDir.resolve(GENERATED_USERS_FILE);
        if (Files.exists(generated)) {
            return generated;
        }
        String password = randomPassword();
        Path passwordFile = stateDir.resolve(PASSWORD_FILE);
        try {
            // replicas sharing the state folder may start together: the one whose users file is
            // published also publishes its password; the others use that file
            Path staged = OwnerOnlyFiles.stage(passwordFile, password + "\n");
            if (UserDirectory.createSingleUser(generated, new UserAccount("admin", "Administrator", "",
                    List.of("administrators"), List.of("admin", "user")), encoder.encode(password))) {
                Files.move(staged, passwordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                LOG.warn("no users file at {}: created {} with the user 'admin'; its password is in {} (read it, then delete the file)",
                        configured, generated, passwordFile);
            } else {
                Files.deleteIfExists(staged);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initial admin to " + stateDir, e);
        }
        return generated;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
