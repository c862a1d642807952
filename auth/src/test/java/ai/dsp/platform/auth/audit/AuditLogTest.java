package ai.dsp.platform.auth.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {

    @TempDir
    Path folder;

    @Test
    void anIntactChainVerifiesAcrossARestart() throws Exception {
        Path file = folder.resolve("audit.log");
        try (AuditLog log = new AuditLog(file)) {
            log.append(Map.of("path", "/api/v1/query", "status", 200));
            log.append(Map.of("path", "/api/v1/retrieve", "status", 200));
        }
        try (AuditLog restarted = new AuditLog(file)) {
            restarted.append(Map.of("path", "/token", "status", 401));
        }

        AuditVerifier.Result result = AuditVerifier.verify(file);
        assertThat(result.intact()).isTrue();
        assertThat(result.records()).isEqualTo(3);
        assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }

    @Test
    void aRemovedAnAlteredOrAnInsertedRecordIsFoundAtTheLineAfterIt() throws Exception {
        Path file = folder.resolve("audit.log");
        try (AuditLog log = new AuditLog(file)) {
            for (int i = 0; i < 5; i++) {
                log.append(Map.of("n", i, "status", 200));
            }
        }
        List<String> lines = Files.readAllLines(file);

        List<String> removed = new ArrayList<>(lines);
        removed.remove(2);
        assertThat(verify(removed).brokenLine()).isEqualTo(3);

        List<String> altered = new ArrayList<>(lines);
        altered.set(1, altered.get(1).replace("\"status\":200", "\"status\":403"));
        assertThat(verify(altered).brokenLine()).isEqualTo(3);

        List<String> inserted = new ArrayList<>(lines);
        inserted.add(2, lines.get(2));
        assertThat(verify(inserted).brokenLine()).isEqualTo(4);

        assertThat(verify(lines).intact()).isTrue();
    }

    private AuditVerifier.Result verify(List<String> lines) throws Exception {
        Path copy = Files.write(folder.resolve("copy-" + System.nanoTime() + ".log"), lines);
        return AuditVerifier.verify(copy);
    }
}
