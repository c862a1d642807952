package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;


/** {@code manifest rollback ID VERSION}: the content of an earlier version becomes the next version. */
@Command(name = "rollback", description = "Make an earlier version of a project's manifest the current one (as a new version).")
final class RollbackCommand extends ServerCommand {


    @Parameters(index = "0", paramLabel = "ID", description = "The project id.")
    String projectId;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The version to go back to.")
    int version;

    @Override
    public Integer call() {
        ControlTowerClient.Reply reply = server.client().post(ControlTowerClient.manifestPath(projectId, "rollback"),
                Json.MAPPER.createObjectNode().put("version", version));
        if (!reply.ok()) {
            throw ControlTowerClient.refusal(reply, CliFailure.REFUSED);
        }
        JsonNode body = reply.body();
        String now = body == null ? "?" : ControlTowerClient.text(body, "version", "?");
        String to = body == null ? String.valueOf(version) : ControlTowerClient.text(body, "rolled_back_to", String.valueOf(version));
        parent.out.println(projectId + ": rolled back to version " + to + ", now version " + now);
        return 0;
    }
}
