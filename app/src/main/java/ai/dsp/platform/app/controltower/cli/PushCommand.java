package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * {@code manifest push FILE}: creates the project ({@code POST /manifests}) or writes its next
 * version ({@code PUT} with {@code If-Match} naming the version the server has now). A file that
 * came from {@code pull} carries the server's {@code updated_at} of the version it was pulled
 * at; when the server's current version has another one, somebody changed it in between, and
 * the push stops (exit 1) instead of overwriting that change, as it does when the server answers
 * 412. {@code --force} writes anyway. A file equal to the current version is not written again.
 */
@Command(name = "push", description = "Publish a manifest file as the next version of its project.")
final class PushCommand extends ServerCommand {


    @Parameters(index = "0", paramLabel = "FILE", description = "The manifest file.")
    Path file;

    @Option(names = "--force", description = "Write even if the server's version changed since the file was pulled.")
    boolean force;

    @Override
    public Integer call() {
        ObjectNode local = Json.readManifest(file);
        String projectId = local.path("project_id").asText();
        ObjectNode manifest = Json.withoutTimestamps(local);
        ControlTowerClient client = server.client();
        String path = ControlTowerClient.manifestPath(projectId);

        ControlTowerClient.Reply current = client.get(path);
        if (current.status() == 404) {
            ControlTowerClient.Reply created = client.post("/manifests", ControlTowerClient.wrap(manifest));
            if (!created.ok()) {
                throw ControlTowerClient.refusal(created, CliFailure.REFUSED);
            }
            report("created", projectId, created);
            return 0;
        }
        if (!current.ok() || current.body() == null) {
            throw ControlTowerClient.refusal(current, CliFailure.REFUSED);
        }
        OptionalInt version = current.version();
        if (!force && pulledBefore(local, current.body())) {
            throw stale(projectId, version);
        }
        if (JsonDiff.between(current.body(), manifest).isEmpty()) {
            parent.out.println(projectId + ": unchanged" + version.stream().mapToObj(v -> ", still version " + v).findFirst().orElse(""));
            return 0;
        }
        ControlTowerClient.Reply updated = client.put(path, ControlTowerClient.wrap(manifest), force ? OptionalInt.empty() : version);
        if (updated.status() == 412) {
            JsonNode now = updated.body() == null ? null : updated.body().path("current_version");
            throw stale(projectId, now != null && now.canConvertToInt() ? OptionalInt.of(now.asInt()) : OptionalInt.empty());
        }
        if (!updated.ok()) {
            throw ControlTowerClient.refusal(updated, CliFailure.REFUSED);
        }
        report("pushed", projectId, updated);
        return 0;
    }

    /** The file was pulled at a version other than the server's current one. */
    private static boolean pulledBefore(ObjectNode local, JsonNode current) {
        JsonNode pulledAt = local.path(Json.UPDATED_AT);
        JsonNode currentAt = current.path(Json.UPDATED_AT);
        return pulledAt.isTextual() && currentAt.isTextual() && !pulledAt.asText().equals(currentAt.asText());
    }

    private static CliFailure stale(String projectId, OptionalInt current) {
        String now = current.isPresent() ? " (now version " + current.getAsInt() + ")" : "";
        return new CliFailure(CliFailure.REFUSED, "error: " + projectId + " changed on the server since you pulled it" + now
                + "; pull it again and redo the change, or push --force to overwrite it");
    }

    private void report(String what, String projectId, ControlTowerClient.Reply reply) {
        JsonNode body = reply.body();
        String version = body != null && body.path("version").isValueNode() ? body.path("version").asText()
                : reply.version().isPresent() ? String.valueOf(reply.version().getAsInt()) : "?";
        parent.out.println(what + " " + projectId + ": version " + version);
        if (body != null) {
            for (JsonNode warning : body.path("warnings")) {
                parent.out.println(LocalValidation.line("warning", warning.path("path").asText(""), warning.path("message").asText()));
            }
        }
    }
}
