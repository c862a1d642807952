package ai.dsp.platform.app.eval;

import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.retrieve.RetrievalMode;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar app.jar eval --dataset DIR [--mode hybrid|dense|keyword|all] [--collection X]
 * [--out DIR] [--any.setting=value ...]}: starts the platform on its own data folder (under
 * {@code --out} unless {@code --dsp.data-dir} says otherwise), evaluates, writes the report files
 * and prints the table.
 */
public final class EvalCommand {

    public static final String NAME = "eval";
    private static final Set<String> OPTIONS = Set.of("dataset", "mode", "collection", "out");

    private EvalCommand() {
    }

    /** Runs the command; returns the process exit code. */
    public static int run(List<String> args) {
        CommandLine command;
        BeirDataset dataset;
        List<RetrievalMode> modes;
        try {
            command = CommandLine.parse(args, OPTIONS);
            dataset = BeirDataset.open(Path.of(command.required("dataset")));
            modes = modes(command.optional("mode", "all"));
        } catch (IllegalArgumentException e) {
            System.err.println("eval: " + e.getMessage());
            System.err.println("usage: eval --dataset DIR [--mode hybrid|dense|keyword|all] [--collection NAME] [--out DIR]");
            return 2;
        }
        Path out = Path.of(command.optional("out", "eval-reports/" + dataset.name()));
        try (ConfigurableApplicationContext app = command.startPlatform(out)) {
            EvaluationReport report = app.getBean(Evaluation.class)
                    .run(dataset, modes, command.optional("collection", null), new TerminalProgress());
            List<Path> files = EvaluationFiles.write(report, out);
            System.out.print(EvaluationFiles.markdown(report));
            System.out.println();
            files.forEach(file -> System.out.println("wrote " + file.toAbsolutePath()));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("eval: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("eval failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    static List<RetrievalMode> modes(String mode) {
        if ("all".equalsIgnoreCase(mode)) {
            return List.of(RetrievalMode.KEYWORD, RetrievalMode.DENSE, RetrievalMode.HYBRID);
        }
        try {
            return List.of(RetrievalMode.fromWire(mode));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode must be hybrid, dense, keyword or all, not '" + mode + "'");
        }
    }
}
