package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * push, pull, history, rollback and diff against the server, over HTTP to {@link FakeControlTower}:
 * which requests go out (If-Match, POST on 404, no write of an unchanged file), what is printed
 * for each answer, and that the token is sent but never printed.
 */
class ServerCommandsTest {

    private static final String TOKEN = "tok-3f9a1c-never-printed";

    @TempDir
    Path dir;
    private FakeControlTower server;
    private Map<String, String> environment;

    @BeforeEach
    void start() throws IOException {
        server = new FakeControlTower(TOKEN);
        environment = Map.of("DSP_SERVER", server.url(), "DSP_TOKEN", TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRun cli(String... args) {
        CliRun run = CliRun.with(environment, Answers.NONE, args);
        assertThat(run.out() + run.err()).as("the token is never printed").doesNotContain(TOKEN);
        return run;
    }

    private Path manifest(String name, int maxTokens) throws IOException {
        return Files.writeString(dir.resolve(name), """
                {"project_id": "acme", "project_name": "Acme",
                 "modules": [{"module_type": "inference_endpoint", "name": "acme-chat-inference_endpoint", "version": "1.0.0",
                              "config": {"model_name": "m", "max_tokens": %d}}]}
                """.formatted(maxTokens));
    }

    private static JsonNode read(Path file) throws IOException {
        return Json.MAPPER.readTree(file.toFile());
    }

    @Test
    void pushCreatesThenWritesTheNextVersionWithIfMatchAndLeavesAnUnchangedFileAlone() throws IOException {
        Path file = manifest("acme.json", 1024);

        CliRun created = cli("push", file.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.outLines()).containsExactly("created acme: version 1", "warning /modules/0/status: no status: enabled is assumed");
        assertThat(server.requests).extracting(FakeControlTower.Request::method).containsExactly("GET", "POST");
        assertThat(server.requests.get(1).header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(Json.MAPPER.readTree(server.requests.get(1).body()).path("manifest")).isEqualTo(read(file));

        manifest("acme.json", 2048);
        CliRun pushed = cli("push", file.toString());
        assertThat(pushed.exitCode()).as(pushed.err()).isZero();
        assertThat(pushed.outLines()).containsExactly("pushed acme: version 2");
        assertThat(server.requests("PUT")).singleElement().satisfies(put -> {
            assertThat(put.path()).isEqualTo("/manifests/acme");
            assertThat(put.header("If-Match")).isEqualTo("\"1\"");
            assertThat(Json.MAPPER.readTree(put.body()).at("/manifest/modules/0/config/max_tokens").asInt()).isEqualTo(2048);
        });

        CliRun again = cli("push", file.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.outLines()).containsExactly("acme: unchanged, still version 2");
        assertThat(server.requests("PUT")).hasSize(1);
    }

    @Test
    void aPulledFileChangedOnTheServerSinceIsNotPushedUnlessForced() throws IOException {
        assertThat(cli("push", manifest("acme.json", 1024).toString()).exitCode()).isZero();
        Path pulled = dir.resolve("pulled").resolve("acme.json");
        CliRun pull = cli("pull", "acme", "--out", pulled.toString());
        assertThat(pull.exitCode()).as(pull.err()).isZero();
        assertThat(pull.outLines()).containsExactly("pulled acme version 1 to " + pulled);
        assertThat(read(pulled).path(Json.UPDATED_AT).isTextual()).isTrue();

        ObjectNode theirs = (ObjectNode) read(manifest("theirs.json", 4096));
        server.write("acme", theirs);
        ObjectNode mine = (ObjectNode) read(pulled);
        ((ObjectNode) mine.at("/modules/0/config")).put("max_tokens", 2048);
        Json.write(pulled, mine);

        CliRun stale = cli("push", pulled.toString());
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains("error: acme changed on the server since you pulled it (now version 2)");
        assertThat(server.requests("PUT")).isEmpty();

        CliRun forced = cli("push", pulled.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.outLines()).containsExactly("pushed acme: version 3");
        assertThat(server.requests("PUT")).singleElement().satisfies(put -> {
            assertThat(put.header("If-Match")).isNull();
            assertThat(Json.MAPPER.readTree(put.body()).path("manifest").has(Json.UPDATED_AT)).as("the server's timestamps are not sent").isFalse();
        });
    }

    @Test
    void aWriteThatLosesTheRaceTo412SaysWhichVersionIsCurrent() throws IOException {
        Path file = manifest("acme.json", 1024);
        assertThat(cli("push", file.toString()).exitCode()).isZero();
        manifest("acme.json", 2048);
        server.refuseNextPut(7);

        CliRun run = cli("push", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("changed on the server since you pulled it (now version 7)");
    }

    @Test
    void theServersValidationErrorsArePrintedWithTheirPaths() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), """
                {"project_id": "acme", "project_name": "Acme", "modules": [{"module_type": "monitoring", "name": "bad", "config": {}}]}
                """);

        CliRun run = cli("push", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly(
                "error: the manifest is invalid (HTTP 400, request req-2)",
                "  error /modules/0/name: 'bad' is not a good name");
    }

    @Test
    void historyRollbackAndDiffWithTheServersVersion() throws IOException {
        Path first = manifest("first.json", 1024);
        Path second = manifest("second.json", 2048);
        assertThat(cli("push", first.toString()).exitCode()).isZero();
        assertThat(cli("push", second.toString()).exitCode()).isZero();

        CliRun history = cli("history", "acme");
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.outLines()).containsExactly(
                "VERSION  CHANGE  AUTHOR  TIME                  SUMMARY",
                "1        create  admin   1970-01-01T00:00:01Z  create of acme",
                "2        update  admin   1970-01-01T00:00:02Z  update of acme");

        CliRun rollback = cli("rollback", "acme", "1");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.outLines()).containsExactly("acme: rolled back to version 1, now version 3");

        CliRun same = cli("diff", first.toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).isEmpty();
        CliRun different = cli("diff", second.toString(), "--server", server.url());
        assertThat(different.exitCode()).isEqualTo(1);
        assertThat(different.outLines()).containsExactly("~ /modules/0/config/max_tokens: 1024 -> 2048");
    }

    @Test
    void refusalsAndAnUnreachableServerHaveTheirExitCodes() throws IOException {
        CliRun unknown = cli("pull", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.errLines()).containsExactly("error: no manifest 'nobody' (HTTP 404, request req-1)");

        CliRun notThere = cli("diff", manifest("acme.json", 1).toString());
        assertThat(notThere.exitCode()).as("diff's 1 means different").isEqualTo(2);

        CliRun wrongToken = CliRun.with(Map.of("DSP_SERVER", server.url()), Answers.NONE, "history", "acme", "--token", "wrong-token-xyz");
        assertThat(wrongToken.exitCode()).isEqualTo(1);
        assertThat(wrongToken.err()).contains("error: a valid bearer token is required (HTTP 401").doesNotContain("wrong-token-xyz");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliRun unreachable = cli("history", "acme", "--server", "http://127.0.0.1:" + closedPort);
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.err()).startsWith("cannot reach http://127.0.0.1:" + closedPort);

        CliRun badUrl = cli("history", "acme", "--server", "localhost:8080");
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.err()).contains("--server must be an http(s) URL");
    }
}
