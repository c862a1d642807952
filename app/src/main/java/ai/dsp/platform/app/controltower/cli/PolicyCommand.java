package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code manifest policy ...}: the Control Tower's policies (so far: importing the seed's Rego). */
@Command(name = "policy", synopsisSubcommandLabel = "COMMAND", description = "Work with the Control Tower's policies.",
        subcommands = PolicyImportCommand.class)
final class PolicyCommand implements Runnable {

    @ParentCommand
    ManifestCommand parent;
    @Spec
    CommandSpec spec;
    @Mixin
    HelpOption help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }
}
