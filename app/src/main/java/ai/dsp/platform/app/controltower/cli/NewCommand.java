package ai.dsp.platform.app.controltower.cli;

import ai.dsp.platform.controltower.manifest.ManifestChecks;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code manifest new --template T --set NAME=VALUE ... [--out FILE]}: a manifest from a template.
 * Values not given with {@code --set} are asked for only when a person is at the terminal;
 * otherwise the command stops with exit 2 and lists them. {@code environment} defaults to
 * {@code development} and {@code project_id} to the name of the {@code --out} file (the seed kept
 * manifests as {@code manifests/<project_id>.json}). The result is checked like {@code validate};
 * it is written even when it has errors, so that they can be fixed in it, and the exit code is 1.
 */
@Command(name = "new", description = "Make a manifest from a template.")
final class NewCommand implements Callable<Integer> {

    static final String PROJECT_ID = "project_id";
    static final String ENVIRONMENT = "environment";
    static final String DEFAULT_ENVIRONMENT = "development";

    @ParentCommand
    ManifestCommand parent;
    @Mixin
    HelpOption help;

    @Option(names = "--template", required = true, paramLabel = "NAME|FILE", description = "A template name (see `manifest templates`) or a template file.")
    String template;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "A value for a $${t.NAME} variable; repeatable.")
    Map<String, String> values = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the manifest (default: standard output).")
    Path out;

    @Option(names = "--force", description = "Overwrite the --out file if it exists.")
    boolean force;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = TemplatesCommand.DEFAULT_DIR, description = "The template folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
        Template chosen = Template.find(dir, template);
        List<String> unknown = values.keySet().stream().filter(name -> !chosen.variables.containsKey(name)).toList();
        if (!unknown.isEmpty()) {
            throw new CliFailure(CliFailure.UNUSABLE, "template " + chosen.name + " has no variable " + String.join(", ", unknown)
                    + " (its variables: " + String.join(", ", chosen.variables.keySet()) + ")");
        }
        if (out != null && Files.exists(out) && !force) {
            throw new CliFailure(CliFailure.UNUSABLE, out + " exists (--force overwrites it)");
        }
        Map<String, String> filled = fill(chosen);
        ObjectNode manifest = chosen.render(filled);
        if (!manifest.path(PROJECT_ID).isTextual() || manifest.path(PROJECT_ID).asText().isBlank()) {
            throw new CliFailure(CliFailure.REFUSED, "template " + chosen.name + " makes a manifest without a project_id");
        }
        if (out == null) {
            parent.out.print(Json.pretty(manifest));
        } else {
            Json.write(out, manifest);
            parent.out.println("wrote " + out + " (project " + manifest.path(PROJECT_ID).asText() + ")");
        }
        ManifestChecks.Report report = LocalValidation.check(manifest);
        if (!report.valid()) {
            throw new CliFailure(CliFailure.REFUSED, LocalValidation.lines("", report));
        }
        // warnings are diagnostics: standard error, so that standard output stays the manifest alone
        LocalValidation.lines("", report).forEach(parent.err::println);
        return 0;
    }

    /** --set values, then the person's answers, then the defaults; every variable or exit 2. */
    private Map<String, String> fill(Template chosen) {
        Map<String, String> filled = new LinkedHashMap<>(values);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> variable : chosen.variables.entrySet()) {
            String name = variable.getKey();
            if (filled.containsKey(name)) {
                continue;
            }
            String fallback = defaultFor(name);
            String value = parent.answers.interactive() ? parent.answers.ask(name, variable.getValue(), fallback) : fallback;
            if (value == null) {
                missing.add("  " + name + (variable.getValue().isEmpty() ? "" : ": " + variable.getValue()));
            } else {
                filled.put(name, value);
            }
        }
        if (!missing.isEmpty()) {
            List<String> lines = new ArrayList<>();
            lines.add("template " + chosen.name + " needs values for (--set NAME=VALUE):");
            lines.addAll(missing);
            throw new CliFailure(CliFailure.UNUSABLE, lines);
        }
        return filled;
    }

    private String defaultFor(String variable) {
        if (ENVIRONMENT.equals(variable)) {
            return DEFAULT_ENVIRONMENT;
        }
        if (PROJECT_ID.equals(variable) && out != null) {
            String file = out.getFileName().toString();
            return file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
        }
        return null;
    }

    /** A variable's description with its default, as `templates` and the prompts show it. */
    static String describe(String variable, String description) {
        String fallback = ENVIRONMENT.equals(variable) ? "default: " + DEFAULT_ENVIRONMENT
                : PROJECT_ID.equals(variable) ? "default: the --out file's name" : null;
        if (fallback == null) {
            return description;
        }
        return description.isEmpty() ? "(" + fallback + ")" : description + " (" + fallback + ")";
    }
}
