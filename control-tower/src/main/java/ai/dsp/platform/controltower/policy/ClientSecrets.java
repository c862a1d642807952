package ai.dsp.platform.controltower.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The seed's client secrets: {@code sha256(secret + salt)} as lower-case hex. Kept for compatibility with its policy files and clients; the comparison is in constant
 * time. (A fast hash suits long random secrets, which clients are given, not passwords.)
 */
public final class ClientSecrets {

    private ClientSecrets() {
    }

    /** The stored form of {@code secret} with {@code salt}. */
    public static String hash(String secret, String salt) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((secret + salt).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether {@code secret} is the one {@code hash} was made from with {@code salt}; in constant time for hashes of one length. */
    public static boolean matches(String secret, String salt, String hash) {
        if (secret == null || salt == null || hash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(secret, salt).getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    }
}
