package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code templates}, {@code new}, {@code validate} and {@code diff A B}: no server involved. */
class OfflineCommandsTest {

    @TempDir
    Path dir;

    /** A template in our format: metadata in {@code _template}, every variable inside a string. */
    private static final String CHAT_TEMPLATE = """
            {
              "_template": {
                "description": "One chat model.",
                "variables": {
                  "project_id": "The project's id",
                  "project_name": "A readable name",
                  "environment": "Where it runs",
                  "model_name": "The model id"
                }
              },
              "project_id": "${t.project_id}",
              "project_name": "${t.project_name}",
              "environment": "${t.environment}",
              "modules": [
                {
                  "module_type": "inference_endpoint",
                  "name": "${t.project_id}-chat-inference_endpoint",
                  "version": "1.0.0",
                  "config": {"model_name": "${t.model_name}", "endpoint_url": "${environments.${environment}.urls.llm}"}
                }
              ],
              "environments": {"development": {"urls": {"llm": "http://localhost:11434/v1"}}, "staging": {"urls": {"llm": "http://staging-llm:11434/v1"}}}
            }
            """;

    /** The seed's format: no metadata, and a variable outside a string (JSON only once filled in). */
    private static final String SEED_TEMPLATE = """
            {
              "project_id": "${t.project_id}",
              "project_name": "Seed style",
              "modules": [
                {"module_type": "rag_config", "name": "${t.project_id}-docs-rag_config", "version": "1.0.0",
                 "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2", "retrieval_k": ${t.k}}},
                {"module_type": "monitoring", "name": "${t.project_id}-metrics-monitoring", "version": "1.0.0", "config": {}}
              ]
            }
            """;

    private Path templates() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(folder.resolve("chat.json"), CHAT_TEMPLATE);
        Files.writeString(folder.resolve("seed.json"), SEED_TEMPLATE);
        Files.writeString(folder.resolve("README.txt"), "not a template");
        return folder;
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void templatesListsNameModuleTypesDescriptionAndVariables() throws IOException {
        CliRun run = CliRun.of("templates", "--dir", templates().toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(
                "chat  [inference_endpoint]  One chat model.",
                "    project_id    The project's id (default: the --out file's name)",
                "    project_name  A readable name",
                "    environment   Where it runs (default: development)",
                "    model_name    The model id",
                "seed  [rag_config, monitoring]",
                "    project_id  (default: the --out file's name)",
                "    k");
    }

    @Test
    void templatesWithoutTheFolderIsAUsageError() {
        CliRun run = CliRun.of("templates", "--dir", dir.resolve("nowhere").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no template folder");
    }

    @Test
    void newFillsEveryVariableEscapedAndLeavesTheRuntimePlaceholdersAndNoMetadata() throws IOException {
        CliRun run = CliRun.of("new", "--dir", templates().toString(), "--template", "chat",
                "--set", "project_id=acme", "--set", "project_name=Acme \"search\" \\ team",
                "--set", "environment=staging", "--set", "model_name=llama=3.1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode manifest = Json.MAPPER.readTree(run.out());
        assertThat(manifest.path("project_id").asText()).isEqualTo("acme");
        assertThat(manifest.path("project_name").asText()).isEqualTo("Acme \"search\" \\ team");
        assertThat(manifest.path("environment").asText()).isEqualTo("staging");
        assertThat(manifest.at("/modules/0/name").asText()).isEqualTo("acme-chat-inference_endpoint");
        assertThat(manifest.at("/modules/0/config/model_name").asText()).as("split at the first '='").isEqualTo("llama=3.1");
        assertThat(manifest.at("/modules/0/config/endpoint_url").asText()).isEqualTo("${environments.${environment}.urls.llm}");
        assertThat(manifest.has("_template")).isFalse();
        assertThat(run.out()).doesNotContain("${t.");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void newWithoutAPersonToAskStopsWithExit2ListingTheMissingVariables() throws IOException {
        Path out = dir.resolve("none.json");
        CliRun run = CliRun.of("new", "--dir", templates().toString(), "--template", "chat", "--set", "project_name=Acme",
                "--out", out.toString());
        CliRun bare = CliRun.of("new", "--dir", templates().toString(), "--template", "chat");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "template chat needs values for (--set NAME=VALUE):",
                "  model_name: The model id");
        assertThat(out).doesNotExist();
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.errLines()).containsExactly(
                "template chat needs values for (--set NAME=VALUE):",
                "  project_id: The project's id",
                "  project_name: A readable name",
                "  model_name: The model id");
        assertThat(bare.out()).isEmpty();
    }

    @Test
    void newTakesTheProjectIdFromTheOutFileAndTheDefaultEnvironment() throws IOException {
        Path out = dir.resolve("manifests").resolve("acme-chat.json");
        CliRun run = CliRun.of("new", "--dir", templates().toString(), "--template", "chat",
                "--set", "project_name=Acme", "--set", "model_name=m", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("wrote " + out + " (project acme-chat)\n");
        JsonNode manifest = Json.MAPPER.readTree(out.toFile());
        assertThat(manifest.path("project_id").asText()).isEqualTo("acme-chat");
        assertThat(manifest.path("environment").asText()).isEqualTo("development");
        assertThat(Files.readString(out)).startsWith("{\n  \"project_id\": \"acme-chat\",\n");

        CliRun again = CliRun.of("new", "--dir", templates().toString(), "--template", "chat",
                "--set", "project_name=Other", "--set", "model_name=m", "--out", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("exists (--force overwrites it)");
        assertThat(Json.MAPPER.readTree(out.toFile()).path("project_name").asText()).isEqualTo("Acme");

        CliRun forced = CliRun.of("new", "--dir", templates().toString(), "--template", "chat", "--force",
                "--set", "project_name=Other", "--set", "model_name=m", "--out", out.toString());
        assertThat(forced.exitCode()).isZero();
        assertThat(Json.MAPPER.readTree(out.toFile()).path("project_name").asText()).isEqualTo("Other");
    }

    @Test
    void newAsksAPersonForWhatIsMissingAndAnEmptyAnswerTakesTheDefault() throws IOException {
        Deque<String> replies = new ArrayDeque<>(List.of("acme", "Acme", "", "gpt-4o-mini"));
        List<String> asked = new ArrayList<>();
        Answers person = new Answers() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public String ask(String variable, String description, String defaultValue) {
                asked.add(variable + "|" + description + "|" + defaultValue);
                String reply = replies.removeFirst();
                return reply.isEmpty() ? defaultValue : reply;
            }
        };

        CliRun run = CliRun.with(Map.of(), person, "new", "--dir", templates().toString(), "--template", "chat");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(asked).containsExactly("project_id|The project's id|null", "project_name|A readable name|null",
                "environment|Where it runs|development", "model_name|The model id|null");
        JsonNode manifest = Json.MAPPER.readTree(run.out());
        assertThat(manifest.path("environment").asText()).isEqualTo("development");
        assertThat(manifest.at("/modules/0/config/model_name").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void newRefusesAVariableTheTemplateDoesNotHave() throws IOException {
        CliRun run = CliRun.of("new", "--dir", templates().toString(), "--template", "chat", "--set", "modelname=x");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("template chat has no variable modelname (its variables: project_id, project_name, environment, model_name)");
    }

    @Test
    void newFillsASeedTemplateWhoseVariableIsOutsideAString() throws IOException {
        CliRun run = CliRun.of("new", "--dir", templates().toString(), "--template", "seed", "--set", "project_id=acme", "--set", "k=7");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Json.MAPPER.readTree(run.out()).at("/modules/0/config/retrieval_k").asInt()).isEqualTo(7);
    }

    @Test
    void newWritesAnInvalidResultButExits1WithTheErrors() throws IOException {
        Path template = file("broken.json", """
                {"project_id": "${t.project_id}", "project_name": "Broken",
                 "modules": [{"module_type": "chatbot", "name": "${t.project_id}-bot-chatbot", "version": "1", "config": {}}]}
                """);
        Path out = dir.resolve("acme.json");

        CliRun run = CliRun.of("new", "--template", template.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(out).exists();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("error /modules/0/module_type: unknown module_type 'chatbot'");
    }

    @Test
    void newWithATemplateThatIsNotThereNamesTheOnesThatAre() throws IOException {
        CliRun run = CliRun.of("new", "--dir", templates().toString(), "--template", "rag");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no template 'rag' (templates in " + dir.resolve("templates") + ": chat, seed)");
    }

    private static final String VALID = """
            {"project_id": "acme", "project_name": "Acme",
             "modules": [
               {"module_type": "rag_config", "name": "acme-docs-rag_config", "version": "1.0.0",
                "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2", "chunk_size": 512}}
             ]}
            """;

    @Test
    void validatePrintsValidOrEachErrorWithItsPathAndExitsByTheWorstFile() throws IOException {
        Path valid = file("valid.json", VALID);
        Path warned = file("warned.json", """
                {"project_id": "acme", "project_name": "Acme",
                 "modules": [{"module_type": "monitoring", "name": "metrics", "config": {}}]}
                """);
        Path invalid = file("invalid.json", """
                {"project_id": "acme", "project_name": "Acme",
                 "modules": [
                   {"module_type": "monitoring", "name": "acme-metrics-monitoring", "version": "1.0.0", "config": {}},
                   {"module_type": "monitoring", "name": "acme-metrics-monitoring", "version": "1.0.0", "config": {},
                    "dependencies": ["acme-missing-monitoring"]}
                 ]}
                """);
        Path notJson = file("broken.json", "{\"project_id\": ");

        CliRun good = CliRun.of("validate", valid.toString(), warned.toString());
        CliRun bad = CliRun.of("validate", valid.toString(), invalid.toString(), notJson.toString());
        CliRun unreadable = CliRun.of("validate", invalid.toString(), dir.resolve("missing.json").toString());

        assertThat(good.exitCode()).isZero();
        assertThat(good.outLines()).containsExactly(
                valid + ": valid",
                warned + ": warning /modules/0/name: 'metrics' does not follow the naming convention {project}-{module}-{type}",
                warned + ": warning /modules/0/version: no version: 1.0.0 is assumed",
                warned + ": valid");

        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.outLines()).hasSize(4);
        assertThat(bad.outLines().get(0)).isEqualTo(valid + ": valid");
        assertThat(bad.outLines().get(1)).isEqualTo(invalid + ": error /modules/1/name: the name 'acme-metrics-monitoring' is already used by /modules/0");
        assertThat(bad.outLines().get(2)).isEqualTo(invalid + ": error /modules/1/dependencies/0: no module named 'acme-missing-monitoring' in this manifest");
        assertThat(bad.outLines().get(3)).startsWith(notJson + ": error: not JSON: ");

        assertThat(unreadable.exitCode()).isEqualTo(2);
        assertThat(unreadable.err()).contains(dir.resolve("missing.json") + ": cannot read: no such file");
    }

    @Test
    void diffOfEqualManifestsIgnoresTheServersTimestampsAndKeyOrder() throws IOException {
        Path a = file("a.json", VALID);
        Path b = file("b.json", """
                {"modules": [
                   {"name": "acme-docs-rag_config", "module_type": "rag_config", "version": "1.0.0",
                    "config": {"embedding_model": "all-MiniLM-L6-v2", "vector_store_type": "lucene", "chunk_size": 512}}
                 ],
                 "project_name": "Acme", "project_id": "acme",
                 "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-02-01T00:00:00Z"}
                """);

        CliRun run = CliRun.of("diff", a.toString(), b.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
    }

    @Test
    void diffPrintsOneLinePerChangedPointer() throws IOException {
        Path a = file("a.json", """
                {"project_id": "acme", "project_name": "Acme", "tags": ["rag"], "a/b": 1,
                 "modules": [{"name": "m0", "config": {"max_tokens": 1024, "model": "x"}}]}
                """);
        Path b = file("b.json", """
                {"project_id": "acme", "project_name": "Acme Search", "a/b": 2,
                 "modules": [{"name": "m0", "config": {"max_tokens": 2048}}, {"name": "m1"}],
                 "description": "new"}
                """);

        CliRun run = CliRun.of("diff", a.toString(), b.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(
                "~ /project_name: \"Acme\" -> \"Acme Search\"",
                "- /tags",
                "~ /a~1b: 1 -> 2",
                "~ /modules/0/config/max_tokens: 1024 -> 2048",
                "- /modules/0/config/model",
                "+ /modules/1: {\"name\":\"m1\"}",
                "+ /description: \"new\"");
    }

    @Test
    void diffWithBothASecondFileAndAServerIsAUsageError() throws IOException {
        Path a = file("a.json", VALID);

        CliRun run = CliRun.of("diff", a.toString(), a.toString(), "--server", "http://localhost:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("compare A with a file B or with --server, not both");
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() {
        CliRun none = CliRun.of();
        CliRun unknown = CliRun.of("publish");

        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("name a command").contains("templates").contains("rollback");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("publish");
    }

    @Test
    void aServerCommandWithoutATokenStopsBeforeCallingAnything() {
        CliRun run = CliRun.of("history", "acme", "--server", "http://localhost:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no token: pass --token or set DSP_TOKEN");
    }

    @Test
    void helpListsTheCommandsAndNeverShowsATokenFromTheEnvironment() {
        CliRun run = CliRun.with(Map.of("DSP_TOKEN", "secret-token-value"), Answers.NONE, "push", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--token").contains("--server").contains("--force");
        assertThat(run.out() + run.err()).doesNotContain("secret-token-value");
    }
}
