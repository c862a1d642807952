package ai.dsp.platform.app.eval;

import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.graph.GraphCollections;
import ai.dsp.platform.retrieve.RetrievalMode;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar app.jar eval --dataset DIR [--mode MODE[,MODE...]|all | --tune] [--collection X]
 * [--max-hops N] [--out DIR] [--any.setting=value ...]}: starts the platform on its own data
 * folder (under {@code --out} unless {@code --dsp.data-dir} says otherwise), evaluates, writes the
 * report files and prints the table. {@code all} is keyword, dense and hybrid; a graph mode
 * ({@code graph}, {@code hybrid+graph}) turns the knowledge graph on for the evaluation's
 * collection with {@code max_hops} N (2 unless given), on the Neo4j of {@code dsp.graph.uri}.
 * {@code --tune} searches hybrid's fusion settings instead ({@link Tuning}) and writes the best to
 * {@code tuned.yaml} beside the report.
 */
public final class EvalCommand {

    public static final String NAME = "eval";
    private static final Set<String> OPTIONS = Set.of("dataset", "mode", "collection", "out", "max-hops");
    private static final String USAGE = "usage: eval --dataset DIR [--mode keyword|dense|hybrid|graph|hybrid+graph[,...]|all | --tune]"
            + " [--collection NAME] [--max-hops 1..3] [--out DIR]";
    private static final String TUNE = "--tune";
    private static final String DEFAULT_MAX_HOPS = "2";

    private EvalCommand() {
    }

    /** Runs the command; returns the process exit code. */
    public static int run(List<String> args) {
        boolean tune = args.contains(TUNE);
        args = args.stream().filter(arg -> !TUNE.equals(arg)).toList();
        CommandLine command;
        BeirDataset dataset;
        List<RetrievalMode> modes;
        String collection;
        try {
            command = CommandLine.parse(args, OPTIONS);
            dataset = BeirDataset.open(Path.of(command.required("dataset")));
            modes = modes(command.optional("mode", "all"));
            if (tune && command.options().containsKey("mode")) {
                throw new IllegalArgumentException("--tune ranks keyword, dense and hybrid itself: it takes no --mode");
            }
            collection = command.optional("collection", Evaluation.defaultCollection(dataset, Instant.now()));
            if (modes.stream().anyMatch(EvalCommand::needsGraph)) {
                command = command.withDefaults("--dsp.graph.enabled=true",
                        "--dsp.graph.collections[" + collection + "]=" + maxHops(command.optional("max-hops", DEFAULT_MAX_HOPS)));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("eval: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        Path out = Path.of(command.optional("out", "eval-reports/" + dataset.name()));
        try (ConfigurableApplicationContext app = command.startPlatform(out)) {
            List<Path> files;
            if (tune) {
                Tuning.Result result = app.getBean(Tuning.class).run(dataset, collection, new TerminalProgress());
                files = EvaluationFiles.write(result, out);
                System.out.print(EvaluationFiles.markdown(result));
            } else {
                EvaluationReport report = app.getBean(Evaluation.class).run(dataset, modes, collection, new TerminalProgress());
                files = EvaluationFiles.write(report, out);
                System.out.print(EvaluationFiles.markdown(report));
            }
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

    /** {@code all}, or modes separated by commas, each once, in the order given. */
    static List<RetrievalMode> modes(String mode) {
        if ("all".equalsIgnoreCase(mode)) {
            return List.of(RetrievalMode.KEYWORD, RetrievalMode.DENSE, RetrievalMode.HYBRID);
        }
        Set<RetrievalMode> modes = new LinkedHashSet<>();
        for (String name : mode.split(",")) {
            try {
                modes.add(RetrievalMode.fromWire(name.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--mode must be keyword, dense, hybrid, graph, hybrid+graph (or several, separated by"
                        + " commas) or all, not '" + mode + "'");
            }
        }
        return List.copyOf(modes);
    }

    static boolean needsGraph(RetrievalMode mode) {
        return mode == RetrievalMode.GRAPH || mode == RetrievalMode.HYBRID_GRAPH;
    }

    private static int maxHops(String value) {
        try {
            return new GraphCollections.Settings(Integer.parseInt(value.strip())).maxHops();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--max-hops must be 1, 2 or 3, not '" + value + "'");
        }
    }
}
