package ai.dsp.platform.app.eval;

import ai.dsp.platform.app.DspApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a command ({@code eval}, {@code bench}): its own options ({@code --name value}
 * or {@code --name=value}) and everything else, passed on to the application as settings.
 */
record CommandLine(Map<String, String> options, List<String> settings) {

    static CommandLine parse(List<String> args, Set<String> own) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : null;
            if (name == null || !own.contains(name)) {
                settings.add(arg);
            } else if (arg.contains("=")) {
                options.put(name, arg.substring(arg.indexOf('=') + 1));
            } else if (i + 1 < args.size()) {
                options.put(name, args.get(++i));
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return new CommandLine(options, settings);
    }

    String required(String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    String optional(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** The same options with more settings, which win over the user's (for a second platform of one command). */
    CommandLine withSettings(String... more) {
        List<String> all = new ArrayList<>(settings);
        all.addAll(List.of(more));
        return new CommandLine(options, all);
    }

    /** The same options with settings of the command's own, which the user's win over. */
    CommandLine withDefaults(String... defaults) {
        List<String> all = new ArrayList<>(List.of(defaults));
        all.addAll(settings);
        return new CommandLine(options, all);
    }

    /**
     * Starts the whole platform in-process for a command: web server on a free port, its own data
     * folder and inbox under {@code out}, quiet logs; the user's settings come last and win.
     */
    ConfigurableApplicationContext startPlatform(Path out) {
        List<String> all = new ArrayList<>(List.of(
                "--server.port=0",
                "--dsp.data-dir=" + out.resolve("data"),
                "--dsp.inbox=" + out.resolve("inbox"),
                // the progress bars are the output; log lines would tear them
                "--logging.level.root=WARN"));
        all.addAll(settings);
        return new SpringApplicationBuilder(DspApplication.class).run(all.toArray(String[]::new));
    }
}
