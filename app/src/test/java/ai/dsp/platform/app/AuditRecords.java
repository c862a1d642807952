package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The records of an audit log file, as the tests read them back. */
final class AuditRecords {

    private AuditRecords() {
    }

    /** Every record of {@code file}; none while the file does not exist yet. */
    static List<JsonNode> all(Path file) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                records.add(AppHarness.JSON.readTree(line));
            }
        }
        return records;
    }

    /** The records of the call with {@code requestId}. */
    static List<JsonNode> of(Path file, String requestId) throws IOException {
        return all(file).stream().filter(record -> record.path("requestId").asText().equals(requestId)).toList();
    }
}
