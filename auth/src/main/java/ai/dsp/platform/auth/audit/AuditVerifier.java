package ai.dsp.platform.auth.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks an audit file's hash chain. A record that was altered, removed or inserted breaks the
 * chain at the line after it; the report names that line. The last record has no successor to
 * vouch for it: compare {@link Result#head()} with a copy kept elsewhere (the Kafka topic).
 */
public final class AuditVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditVerifier() {
    }

    /** {@code brokenLine}: the 1-based line where the chain breaks, 0 when it holds. */
    public record Result(long records, long brokenLine, String reason, String head) {

        public boolean intact() {
            return brokenLine == 0;
        }
    }

    public static Result verify(Path file) throws IOException {
        String expected = AuditLog.GENESIS;
        long number = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (IOException e) {
                    return new Result(number - 1, number, "not a JSON record", expected);
                }
                String prev = record.path(AuditLog.PREV).asText(null);
                if (!expected.equals(prev)) {
                    return new Result(number - 1, number, "the record before it was altered, removed or inserted", expected);
                }
                expected = AuditLog.sha256(line);
            }
        }
        return new Result(number, 0, null, expected);
    }
}
