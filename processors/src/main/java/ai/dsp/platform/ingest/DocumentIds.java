package ai.dsp.platform.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Document ids: caller-given ones are checked, derived ones are stable hashes of where a file came from. */
public final class DocumentIds {

    private static final Pattern CALLER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private DocumentIds() {
    }

    /** A drop-folder file keeps its id across re-drops: the hash of collection and relative path. */
    public static String fromSource(String collection, String relativePath) {
        return sha256((collection + "/" + relativePath).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    public static boolean isValidCallerId(String id) {
        return id != null && CALLER_ID.matcher(id).matches();
    }

    public static String callerIdPattern() {
        return CALLER_ID.pattern();
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
