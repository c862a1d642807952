package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code manifest pull ID [--out FILE]}: the project's current version, as stored (placeholders
 * unresolved), with the server's timestamps, which {@code push} uses to notice a change made
 * in between.
 */
@Command(name = "pull", description = "Fetch a project's current manifest.")
final class PullCommand extends ServerCommand {


    @Parameters(index = "0", paramLabel = "ID", description = "The project id.")
    String projectId;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write it (default: standard output).")
    Path out;

    @Override
    public Integer call() {
        ControlTowerClient.Reply current = server.client().get(ControlTowerClient.manifestPath(projectId));
        if (!current.ok() || current.body() == null) {
            throw ControlTowerClient.refusal(current, CliFailure.REFUSED);
        }
        if (out == null) {
            parent.out.print(Json.pretty(current.body()));
        } else {
            Json.write(out, current.body());
            parent.out.println("pulled " + projectId + (current.version().isPresent() ? " version " + current.version().getAsInt() : "")
                    + " to " + out);
        }
        return 0;
    }
}
