package ai.dsp.platform.auth.user;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.util.Map;

/**
 * Password hashes in users.yaml: {@code {bcrypt}...} (new hashes) or {@code {argon2}...}, and
 * the seed's bare SHA-256 hex for old files.
 */
public final class PasswordHashes {

    private PasswordHashes() {
    }

    public static PasswordEncoder encoder() {
        DelegatingPasswordEncoder encoder = new DelegatingPasswordEncoder("bcrypt", Map.of(
                "bcrypt", new BCryptPasswordEncoder(),
                "argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
        // a value without an {id} prefix is the seed's format
        encoder.setDefaultPasswordEncoderForMatches(new LegacySha256PasswordEncoder());
        return encoder;
    }
}
