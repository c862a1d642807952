package ai.dsp.platform.controltower.manifest;

import java.util.List;

/**
 * A manifest a client sent that cannot be taken: it does not parse, is too large or too deep, is
 * not an object, or fails validation. {@link #kind()} tells the HTTP answer ({@link Kind#status()});
 * the findings say where and why, without echoing the content.
 */
public class InvalidManifestException extends RuntimeException {

    /** Why, and the HTTP status that answers it. */
    public enum Kind {
        /** Not JSON, or a key twice in one object (400). */
        MALFORMED(400),
        /** More bytes than the limit (413). */
        TOO_LARGE(413),
        /** Nested deeper than the limit (400). */
        TOO_DEEP(400),
        /** JSON, but not an object (400). */
        NOT_AN_OBJECT(400),
        /** An object that fails {@link ManifestValidator} (400, as the seed answers its own checks). */
        INVALID(400);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final List<ManifestChecks.Finding> findings;
    private final List<ManifestChecks.Finding> warnings;

    public InvalidManifestException(Kind kind, List<ManifestChecks.Finding> findings) {
        this(kind, findings, List.of());
    }

    private InvalidManifestException(Kind kind, List<ManifestChecks.Finding> findings, List<ManifestChecks.Finding> warnings) {
        super(summary(findings));
        this.kind = kind;
        this.findings = List.copyOf(findings);
        this.warnings = List.copyOf(warnings);
    }

    /** A validation that found errors: {@link Kind#INVALID}, its errors as the findings, its warnings kept for the answer. */
    public static InvalidManifestException invalid(ManifestChecks.Report report) {
        if (report.valid()) {
            throw new IllegalArgumentException("the report has no errors");
        }
        return new InvalidManifestException(Kind.INVALID, report.errors(), report.warnings());
    }

    public Kind kind() {
        return kind;
    }

    /** {@code kind().status()}. */
    public int status() {
        return kind.status();
    }

    /** What is wrong, each with its JSON pointer ("" for the whole body). */
    public List<ManifestChecks.Finding> findings() {
        return findings;
    }

    /** The warnings of a failed validation; empty for the other kinds. */
    public List<ManifestChecks.Finding> warnings() {
        return warnings;
    }

    private static String summary(List<ManifestChecks.Finding> findings) {
        if (findings.isEmpty()) {
            return "invalid manifest";
        }
        ManifestChecks.Finding first = findings.get(0);
        String where = first.path().isEmpty() ? "" : first.path() + ": ";
        String more = findings.size() > 1 ? " (and " + (findings.size() - 1) + " more)" : "";
        return "invalid manifest: " + where + first.message() + more;
    }
}
