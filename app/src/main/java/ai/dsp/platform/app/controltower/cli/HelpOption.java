package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every manifest command. */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;
}
