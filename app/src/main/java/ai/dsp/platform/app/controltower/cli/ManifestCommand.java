package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar app.jar manifest <command> ...}: the Manifestor CLI. Offline: {@code templates},
 * {@code new} (a manifest from a template, without questions unless a person is at the terminal),
 * {@code validate}, {@code diff A B}. Against a running platform: {@code diff A} (the file against
 * the server's version), {@code push}, {@code pull}, {@code history}, {@code rollback}. Nothing
 * here starts Spring. Exit codes: 0 done, 1 the answer is no (invalid, different, refused,
 * stale), 2 the command could not run (usage, unreadable file, unreachable server).
 */
@Command(name = ManifestCommand.NAME, synopsisSubcommandLabel = "COMMAND",
        description = "Create, check and publish project manifests.",
        subcommands = {TemplatesCommand.class, NewCommand.class, ValidateCommand.class, DiffCommand.class,
                PushCommand.class, PullCommand.class, HistoryCommand.class, RollbackCommand.class, PolicyCommand.class})
public final class ManifestCommand implements Runnable {

    public static final String NAME = "manifest";
    static final String SERVER_VARIABLE = "DSP_SERVER";
    static final String TOKEN_VARIABLE = "DSP_TOKEN";

    final PrintStream out;
    final PrintStream err;
    final Answers answers;

    @Spec
    CommandSpec spec;
    @Mixin
    HelpOption help;

    private ManifestCommand(PrintStream out, PrintStream err, Answers answers) {
        this.out = out;
        this.err = err;
        this.answers = answers;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }

    /** Runs one manifest command; its exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv(), Answers.console());
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> environment, Answers answers) {
        CommandLine commandLine = new CommandLine(new ManifestCommand(out, err, answers));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setDefaultValueProvider(argument -> defaultValue(argument, environment));
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            out.flush();
            if (exception instanceof CliFailure failure) {
                failure.lines().forEach(err::println);
                return failure.exitCode();
            }
            err.println("error: " + exception);
            return CliFailure.REFUSED;
        });
        int exitCode = commandLine.execute(args.toArray(String[]::new));
        out.flush();
        err.flush();
        return exitCode;
    }

    private static String defaultValue(ArgSpec argument, Map<String, String> environment) {
        if (argument instanceof OptionSpec option) {
            if (ServerOptions.SERVER.equals(option.longestName())) {
                return nonBlank(environment.get(SERVER_VARIABLE), ServerOptions.DEFAULT_SERVER);
            }
            if (ServerOptions.TOKEN.equals(option.longestName())) {
                return nonBlank(environment.get(TOKEN_VARIABLE), null);
            }
        }
        return null;
    }

    private static String nonBlank(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value;
    }
}
