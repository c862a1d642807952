package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** A subcommand that talks to a running platform: the parent's streams, {@code --help}, and the server options. */
abstract class ServerCommand implements Callable<Integer> {

    @ParentCommand
    ManifestCommand parent;
    @Mixin
    HelpOption help;
    @Mixin
    ServerOptions server;
}
