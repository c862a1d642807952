package ai.dsp.platform.app.controltower.cli;

import ai.dsp.platform.controltower.policy.InvalidPolicyException;
import ai.dsp.platform.controltower.policy.Policy;
import ai.dsp.platform.controltower.policy.PolicyDocuments;
import ai.dsp.platform.controltower.policy.RegoImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * {@code manifest policy import FILE.rego}: the seed's Rego policy into the policy model, written
 * as {@code <client>.yaml} into the policies folder the platform reads
 * ({@code dsp.control-tower.policies-dir}); every rule that could not be imported is listed.
 * Exit 1 when the file is no policy of the seed's package, 2 when it cannot be read or written.
 */
@Command(name = "import", description = {"Import one of the seed's Rego policies (package dspai.policy) as a policy file.",
        "Lists every rule it could not import; the rest is evaluated in process."})
final class PolicyImportCommand implements Callable<Integer> {

    @ParentCommand
    PolicyCommand policy;
    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "FILE.rego", description = "The seed's policy file.")
    Path file;

    @Option(names = "--client-id", paramLabel = "ID", description = "The client the policy is for (default: the file name without .rego).")
    String clientId;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "config/policies",
            description = "The policies folder to write <client>.yaml into (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--force", description = "Replace an existing policy file of that client.")
    boolean force;

    @Override
    public Integer call() {
        String client = clientId != null ? clientId : file.getFileName().toString().replaceFirst("\\.rego$", "");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, "cannot read " + file + ": " + e.getMessage());
        }
        RegoImporter.ImportResult result;
        try {
            result = new RegoImporter().importRego(text, client);
        } catch (InvalidPolicyException e) {
            throw new CliFailure(CliFailure.REFUSED, "error: " + file + ": " + e.getMessage());
        }
        Path target = out.resolve(client + ".yaml");
        write(target, result.policy());
        ManifestCommand parent = policy.parent;
        parent.out.println("imported " + file + " as " + target);
        result.notImported().forEach(rule -> parent.out.println("not imported: " + rule.rule() + " (line " + rule.line() + "): " + rule.reason()));
        result.notes().forEach(note -> parent.out.println("note: " + note));
        return 0;
    }

    private void write(Path target, Policy imported) {
        if (Files.exists(target) && !force) {
            throw new CliFailure(CliFailure.UNUSABLE, target + " exists; --force replaces it");
        }
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(target.toAbsolutePath().getParent(), ".import-", ".yaml");
            Files.writeString(temporary, PolicyDocuments.yaml(imported), StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, "cannot write " + target + ": " + e.getMessage());
        }
    }
}
