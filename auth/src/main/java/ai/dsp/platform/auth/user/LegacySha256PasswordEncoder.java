package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.Digests;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The seed's password check: unsalted SHA-256, lower-case hex. Accepted so that existing
 * users.yaml files keep working, never used for new hashes; the start-up log names the accounts
 * still on it.
 */
final class LegacySha256PasswordEncoder implements PasswordEncoder {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    static boolean isLegacyHash(String stored) {
        return stored != null && HEX_SHA256.matcher(stored).matches();
    }

    @Override
    public String encode(CharSequence rawPassword) {
        throw new UnsupportedOperationException("unsalted SHA-256 is accepted for old users.yaml files, never written");
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || !isLegacyHash(encodedPassword)) {
            return false;
        }
        byte[] expected = HexFormat.of().parseHex(encodedPassword.toLowerCase());
        // constant time: MessageDigest.isEqual does not stop at the first differing byte
        return MessageDigest.isEqual(Digests.sha256(rawPassword.toString().getBytes(StandardCharsets.UTF_8)), expected);
    }
}
