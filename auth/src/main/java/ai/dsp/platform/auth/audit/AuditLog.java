package ai.dsp.platform.auth.audit;

import ai.dsp.platform.auth.Digests;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only audit file: one JSON record a line, each carrying in {@code prev} the SHA-256 of
 * the line before it (the first one of a file: 64 zeros), so that {@link AuditVerifier} finds a
 * removed, inserted or altered record. A restart continues the chain from the file's last line.
 */
public final class AuditLog implements AutoCloseable {

    public static final String PREV = "prev";
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private String last;

    public AuditLog(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            last = lines.isEmpty() ? GENESIS : sha256(lines.get(lines.size() - 1));
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
    }

    /** Appends one record (its fields in order, then {@code prev}) and returns the line written. */
    public synchronized String append(Map<String, Object> fields) {
        Map<String, Object> record = new LinkedHashMap<>(fields);
        record.put(PREV, last);
        try {
            String line = JSON.writeValueAsString(record);
            out.write(line);
            out.write('\n');
            // flushed to the OS with every record: a crash of the JVM loses none
            out.flush();
            last = sha256(line);
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an audit record must be JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit log", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the audit log", e);
        }
    }

    static String sha256(String line) {
        return Digests.sha256Hex(line);
    }
}
