package ai.dsp.platform.controltower.manifest;

import java.util.List;

/** A write whose manifest does not validate: nothing was stored; the findings say why. */
public class ManifestRejectedException extends RuntimeException {

    private final transient ManifestChecks.Report report;

    public ManifestRejectedException(ManifestChecks.Report report) {
        super(report.errors().size() == 1 ? "the manifest is not valid: " + report.errors().get(0).path() + ": " + report.errors().get(0).message()
                : "the manifest is not valid: " + report.errors().size() + " errors");
        this.report = report;
    }

    public List<ManifestChecks.Finding> errors() {
        return report.errors();
    }

    public List<ManifestChecks.Finding> warnings() {
        return report.warnings();
    }
}
