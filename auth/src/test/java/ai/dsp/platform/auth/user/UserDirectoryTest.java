package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.AuthenticationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserDirectoryTest {

    private static final PasswordEncoder ENCODER = PasswordHashes.encoder();
    /** The seed's config/users.yaml entry: sha256("password") in hex. */
    private static final String SEED_USERS = """
            admin:
              password: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
              name: Administrator
              email: admin@example.com
              groups: [administrators]
              roles: [admin, user]
            """;

    @TempDir
    Path folder;

    @Test
    void theSeedsUsersFileWorksUnchangedAndItsLegacyHashesAreNamed() throws Exception {
        Path file = Files.writeString(folder.resolve("users.yaml"), SEED_USERS);
        UserDirectory users = new UserDirectory(file, ENCODER);

        UserAccount admin = users.authenticate("admin", "password");
        assertThat(admin).isEqualTo(new UserAccount("admin", "Administrator", "admin@example.com",
                List.of("administrators"), List.of("admin", "user")));
        assertThat(users.legacyAccounts()).containsExactly("admin");
    }

    @Test
    void bcryptAndArgon2HashesWorkAndAWrongPasswordAndAnUnknownUserFailAlike() throws Exception {
        Path file = Files.writeString(folder.resolve("users.yaml"), """
                alice:
                  password: "%s"
                  groups: [staff]
                bob:
                  password: "%s"
                """.formatted(ENCODER.encode("alice-pw"), "{argon2}" + org.springframework.security.crypto.argon2
                .Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("bob-pw")));
        UserDirectory users = new UserDirectory(file, ENCODER);

        assertThat(users.authenticate("alice", "alice-pw").name()).isEqualTo("alice");
        assertThat(users.authenticate("bob", "bob-pw").groups()).isEmpty();
        assertThat(users.legacyAccounts()).isEmpty();
        Throwable wrongPassword = catchFailure(() -> users.authenticate("alice", "guess"));
        Throwable unknownUser = catchFailure(() -> users.authenticate("mallory", "guess"));
        assertThat(wrongPassword).isInstanceOf(AuthenticationFailedException.class);
        assertThat(unknownUser).isInstanceOf(AuthenticationFailedException.class).hasMessage(wrongPassword.getMessage());
    }

    @Test
    void anEditIsReadOnTheNextLoginAndABrokenEditKeepsTheUsersBefore() throws Exception {
        Path file = Files.writeString(folder.resolve("users.yaml"), SEED_USERS);
        UserDirectory users = new UserDirectory(file, ENCODER);

        Files.writeString(file, "carol:\n  password: \"" + ENCODER.encode("carol-pw") + "\"\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(users.authenticate("carol", "carol-pw").username()).isEqualTo("carol");
        assertThatThrownBy(() -> users.authenticate("admin", "password")).isInstanceOf(AuthenticationFailedException.class);

        Files.writeString(file, "carol: [not, a, user");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(users.authenticate("carol", "carol-pw").username()).isEqualTo("carol");
    }

    @Test
    void withoutAUsersFileAnAdminWithARandomPasswordIsMadeOnceInAnOwnerOnlyFile() throws Exception {
        Path state = folder.resolve("state");
        Path configured = folder.resolve("config/users.yaml");

        Path file = InitialAdmin.usersFile(configured, state, ENCODER);
        String password = Files.readString(state.resolve(InitialAdmin.PASSWORD_FILE)).strip();
        UserDirectory users = new UserDirectory(file, ENCODER);

        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(users.authenticate("admin", password).roles()).contains("admin");
        assertThat(Files.getPosixFilePermissions(state.resolve(InitialAdmin.PASSWORD_FILE))).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(Files.readString(file)).doesNotContain(password).contains("{bcrypt}");
        // a second start keeps the admin and its password
        assertThat(InitialAdmin.usersFile(configured, state, ENCODER)).isEqualTo(file);
        assertThat(Files.readString(state.resolve(InitialAdmin.PASSWORD_FILE)).strip()).isEqualTo(password);
        // a configured file wins
        Files.createDirectories(configured.getParent());
        Files.writeString(configured, SEED_USERS);
        assertThat(InitialAdmin.usersFile(configured, state, ENCODER)).isEqualTo(configured);
    }

    private static Throwable catchFailure(Runnable call) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
