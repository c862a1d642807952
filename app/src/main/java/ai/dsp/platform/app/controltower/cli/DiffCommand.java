package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code manifest diff A B}, or {@code manifest diff A [--server URL]}: what changes from A to B,
 * or from the server's current version of A's project to A (what pushing A would change), one
 * line per JSON pointer. Exit 0 when equal, 1 when different, 2 when it cannot compare.
 */
@Command(name = "diff", description = {"Compare two manifest files, or a file with the server's current version of its project.",
        "Lines: `~ /path: old -> new`, `+ /path: value`, `- /path`; created_at and updated_at are ignored."})
final class DiffCommand extends ServerCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "A manifest file.")
    Path first;

    @Parameters(index = "1", arity = "0..1", paramLabel = "B", description = "Another manifest file; without it, A is compared with the server's version (the lines say what pushing A would change).")
    Path second;

    @Override
    public Integer call() {
        JsonNode from;
        JsonNode to;
        if (second != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption(ServerOptions.SERVER)) {
                throw new ParameterException(spec.commandLine(), "compare A with a file B or with --server, not both");
            }
            from = readJson(first);
            to = readJson(second);
        } else {
            ObjectNode local = Json.readManifest(first);
            String projectId = local.path("project_id").asText();
            ControlTowerClient.Reply current = server.client().get(ControlTowerClient.manifestPath(projectId));
            if (!current.ok() || current.body() == null) {
                throw ControlTowerClient.refusal(current, CliFailure.UNUSABLE);
            }
            from = current.body();
            to = local;
        }
        List<String> lines = JsonDiff.between(from, to);
        lines.forEach(parent.out::println);
        return lines.isEmpty() ? 0 : 1;
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.read(file);
        } catch (JsonProcessingException e) {
            throw new CliFailure(CliFailure.UNUSABLE, file + ": not JSON: " + e.getOriginalMessage());
        }
    }
}
