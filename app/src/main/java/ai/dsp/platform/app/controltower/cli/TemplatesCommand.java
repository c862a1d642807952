package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code manifest templates}: each template's name, module types, description and variables. */
@Command(name = "templates", description = "List the manifest templates and the variables each needs.")
final class TemplatesCommand implements Callable<Integer> {

    static final String DEFAULT_DIR = "manifests/templates";

    @ParentCommand
    ManifestCommand parent;
    @Mixin
    HelpOption help;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR, description = "The template folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
        List<Template> templates = Template.list(dir);
        if (templates.isEmpty()) {
            parent.out.println("no templates in " + dir);
            return 0;
        }
        for (Template template : templates) {
            parent.out.println(template.name + "  [" + String.join(", ", template.moduleTypes) + "]"
                    + (template.description.isEmpty() ? "" : "  " + template.description));
            int width = template.variables.keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, String> variable : template.variables.entrySet()) {
                String about = NewCommand.describe(variable.getKey(), variable.getValue());
                parent.out.println(("    " + pad(variable.getKey(), width) + "  " + about).stripTrailing());
            }
        }
        return 0;
    }

    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
