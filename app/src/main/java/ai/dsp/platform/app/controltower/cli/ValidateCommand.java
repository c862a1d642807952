package ai.dsp.platform.app.controltower.cli;

import ai.dsp.platform.controltower.manifest.ManifestChecks;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code manifest validate FILE...}: {@code FILE: valid}, or each {@code FILE: error <path>:
 * <message>}; warnings either way. Exit 1 when a file has errors, 2 when one cannot be read.
 */
@Command(name = "validate", description = "Check manifest files as the API checks them on a write.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    ManifestCommand parent;
    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Manifest files.")
    List<Path> files;

    @Override
    public Integer call() {
        int exitCode = 0;
        for (Path file : files) {
            exitCode = Math.max(exitCode, validate(file));
        }
        return exitCode;
    }

    private int validate(Path file) {
        JsonNode manifest;
        try {
            manifest = Json.read(file);
        } catch (CliFailure unreadable) {
            unreadable.lines().forEach(parent.err::println);
            return CliFailure.UNUSABLE;
        } catch (JsonProcessingException e) {
            parent.out.println(file + ": " + LocalValidation.line("error", "", "not JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
            return CliFailure.REFUSED;
        }
        ManifestChecks.Report report = LocalValidation.check(manifest);
        LocalValidation.lines(file + ": ", report).forEach(parent.out::println);
        if (report.valid()) {
            parent.out.println(file + ": valid");
            return 0;
        }
        return CliFailure.REFUSED;
    }
}
