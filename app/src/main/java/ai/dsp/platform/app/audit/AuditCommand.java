package ai.dsp.platform.app.audit;

import ai.dsp.platform.auth.audit.AuditVerifier;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar app.jar audit verify FILE}: walks the audit file's hash chain; exit code 0
 * when it holds, 1 with the line where it breaks, 2 for a wrong call. Needs no running platform.
 */
public final class AuditCommand {

    public static final String NAME = "audit";

    private AuditCommand() {
    }

    public static int run(List<String> args, PrintStream out) {
        if (args.size() != 2 || !"verify".equals(args.get(0))) {
            out.println("usage: java -jar app.jar audit verify FILE");
            return 2;
        }
        Path file = Path.of(args.get(1));
        if (!Files.isRegularFile(file)) {
            out.println(file + " is not a file");
            return 2;
        }
        try {
            AuditVerifier.Result result = AuditVerifier.verify(file);
            if (result.intact()) {
                out.println("intact: " + result.records() + " records; last record's hash " + result.head());
                return 0;
            }
            out.println("BROKEN at line " + result.brokenLine() + ": " + result.reason() + " (" + result.records()
                    + " records before it verify)");
            return 1;
        } catch (IOException e) {
            out.println("cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }
}
