package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code manifest history ID}: every version of a project as a table, oldest first. */
@Command(name = "history", description = "List the versions of a project's manifest.")
final class HistoryCommand extends ServerCommand {

    private static final List<String> COLUMNS = List.of("version", "change", "author", "created_at", "summary");
    private static final List<String> HEADINGS = List.of("VERSION", "CHANGE", "AUTHOR", "TIME", "SUMMARY");


    @Parameters(index = "0", paramLabel = "ID", description = "The project id.")
    String projectId;

    @Override
    public Integer call() {
        ControlTowerClient.Reply history = server.client().get(ControlTowerClient.manifestPath(projectId, "versions"));
        if (!history.ok() || history.body() == null) {
            throw ControlTowerClient.refusal(history, CliFailure.REFUSED);
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADINGS);
        for (JsonNode version : history.body().path("versions")) {
            rows.add(COLUMNS.stream().map(column -> ControlTowerClient.text(version, column, "")).toList());
        }
        int[] widths = new int[COLUMNS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(i == widths.length - 1 ? row.get(i) : TemplatesCommand.pad(row.get(i), widths[i]) + "  ");
            }
            parent.out.println(line.toString().stripTrailing());
        }
        return 0;
    }
}
