package ai.dsp.platform.app.controltower.cli;

import ai.dsp.platform.controltower.manifest.ManifestChecks;
import ai.dsp.platform.controltower.manifest.ManifestValidator;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The validation the CLI runs without a server: the same checks the API runs on a write, so a
 * manifest that passes here is not refused there for its structure. The one place that names
 * the validator.
 */
final class LocalValidation {

    /** The API's validator with its default settings: schemas per module type, dependencies checked strictly. */
    private static final ManifestValidator VALIDATOR = new ManifestValidator();

    private LocalValidation() {
    }

    static ManifestChecks.Report check(JsonNode manifest) {
        return VALIDATOR.validate(manifest);
    }

    /** {@code <prefix>error <path>: <message>} and {@code <prefix>warning ...} lines, errors first. */
    static List<String> lines(String prefix, ManifestChecks.Report report) {
        List<String> lines = new ArrayList<>();
        report.errors().forEach(finding -> lines.add(prefix + line("error", finding.path(), finding.message())));
        report.warnings().forEach(finding -> lines.add(prefix + line("warning", finding.path(), finding.message())));
        return lines;
    }

    /** {@code error /modules/0/name: message}, or {@code error: message} for the whole document. */
    static String line(String kind, String path, String message) {
        return path == null || path.isEmpty() ? kind + ": " + message : kind + " " + path + ": " + message;
    }
}
