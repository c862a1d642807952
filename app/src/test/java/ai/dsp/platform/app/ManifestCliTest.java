package ai.dsp.platform.app;

import ai.dsp.platform.app.controltower.cli.ManifestCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Manifestor CLI against the running platform, as an operator uses it: a template, new,
 * validate, push (create), edit and push (the next version, If-Match), history, rollback, pull
 * (equal to the original), and a push of a file pulled before somebody else's change (refused).
 */
class ManifestCliTest {

    private static final String PROJECT = "cli-e2e-" + Long.toString(System.nanoTime(), 36);

    @TempDir
    static Path dir;
    private static AppHarness app;
    private static String token;
    private static String server;

    @BeforeAll
    static void start() {
        app = AppHarness.start(dir.resolve("data"), dir.resolve("inbox"));
        token = app.login("admin", AppHarness.ADMIN_PASSWORD);
        server = "http://127.0.0.1:" + app.port;
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private record Run(int exitCode, String out, String err) {

        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = ManifestCommand.run(List.of(args), outStream, errStream);
        }
        Run run = new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertThat(run.out() + run.err()).as("the token is never printed").doesNotContain(token);
        return run;
    }

    private static Run remote(String... args) {
        String[] withServer = Arrays.copyOf(args, args.length + 4);
        withServer[args.length] = "--server";
        withServer[args.length + 1] = server;
        withServer[args.length + 2] = "--token";
        withServer[args.length + 3] = token;
        return cli(withServer);
    }

    private static ObjectNode read(Path file) throws IOException {
        return (ObjectNode) AppHarness.JSON.readTree(file.toFile());
    }

    private static void setMaxTokens(Path file, int module, int maxTokens) throws IOException {
        ObjectNode manifest = read(file);
        ((ObjectNode) manifest.at("/modules/" + module + "/config")).put("max_tokens", maxTokens);
        Files.writeString(file, AppHarness.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
    }

    private static List<String> historyVersions() {
        Run history = remote("history", PROJECT);
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.outLines().get(0)).startsWith("VERSION").contains("CHANGE", "AUTHOR", "TIME", "SUMMARY");
        return history.outLines().stream().skip(1).map(line -> line.split("\\s+")[0]).toList();
    }

    @Test
    void fromATemplateToPublishedVersionsAndBack() throws IOException {
        Run templates = cli("templates");
        assertThat(templates.exitCode()).as(templates.err()).isZero();
        assertThat(templates.out()).contains("weighted_ensemble  [inference_endpoint]");

        Path original = dir.resolve(PROJECT + ".json");
        Run created = cli("new", "--template", "weighted_ensemble", "--out", original.toString(),
                "--set", "project_name=CLI end to end", "--set", "owner=QA", "--set", "fast_model=llama-3.1-8b-instant",
                "--set", "large_model=llama-3.3-70b-versatile", "--set", "llm_base_url=https://api.groq.com/openai/v1");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(read(original).path("project_id").asText()).isEqualTo(PROJECT);

        Run validate = cli("validate", original.toString());
        assertThat(validate.exitCode()).as(validate.out()).isZero();
        assertThat(validate.outLines()).containsExactly(original + ": valid");

        Path work = Files.copy(original, dir.resolve("work.json"));
        Run first = remote("push", work.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.outLines().get(0)).isEqualTo("created " + PROJECT + ": version 1");

        setMaxTokens(work, 2, 2048);
        Run second = remote("push", work.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.outLines().get(0)).isEqualTo("pushed " + PROJECT + ": version 2");
        Run changed = remote("diff", original.toString());
        assertThat(changed.exitCode()).as(changed.err()).isEqualTo(1);
        assertThat(changed.outLines()).containsExactly("~ /modules/2/config/max_tokens: 2048 -> 1024");
        assertThat(historyVersions()).containsExactly("1", "2");

        Run rollback = remote("rollback", PROJECT, "1");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.outLines()).containsExactly(PROJECT + ": rolled back to version 1, now version 3");
        assertThat(historyVersions()).containsExactly("1", "2", "3");

        Path pulled = dir.resolve("pulled.json");
        Run pull = remote("pull", PROJECT, "--out", pulled.toString());
        assertThat(pull.exitCode()).as(pull.err()).isZero();
        Run same = cli("diff", original.toString(), pulled.toString());
        assertThat(same.exitCode()).as(same.out()).isZero();
        assertThat(same.out()).isEmpty();
        assertThat(remote("diff", original.toString()).exitCode()).isZero();

        // somebody else publishes version 4 while the pulled file is being edited
        setMaxTokens(work, 2, 4096);
        assertThat(remote("push", work.toString()).outLines().get(0)).isEqualTo("pushed " + PROJECT + ": version 4");
        setMaxTokens(pulled, 0, 512);
        Run stale = remote("push", pulled.toString());
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains(PROJECT + " changed on the server since you pulled it (now version 4)");
        assertThat(historyVersions()).containsExactly("1", "2", "3", "4");

        ObjectNode invalid = read(original);
        ((ObjectNode) invalid.at("/modules/0")).put("module_type", "chatbot");
        Path invalidFile = Files.writeString(dir.resolve("invalid.json"), invalid.toString());
        Run refused = remote("push", invalidFile.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: ").contains("/modules/0/module_type");
        JsonNode current = AppHarness.JSON.readTree(remote("pull", PROJECT).out());
        assertThat(current.at("/modules/2/config/max_tokens").asInt()).isEqualTo(4096);
    }

    @Test
    void anUnchangedFileIsNotPushedForceOverridesAndRefusalsHaveTheirExitCodes() throws IOException {
        String project = PROJECT + "-exits";
        Path file = Files.writeString(dir.resolve(project + ".json"), """
                {"project_id": "%s", "project_name": "Exits",
                 "modules": [{"module_type": "inference_endpoint", "name": "%<s-chat-inference_endpoint", "version": "1.0.0",
                              "config": {"model_name": "m", "max_tokens": 1024}}]}
                """.formatted(project));
        assertThat(remote("push", file.toString()).exitCode()).isZero();
        Run again = remote("push", file.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.outLines()).containsExactly(project + ": unchanged, still version 1");

        Path pulled = dir.resolve("exits-pulled.json");
        assertThat(remote("pull", project, "--out", pulled.toString()).exitCode()).isZero();
        setMaxTokens(file, 0, 2048);
        assertThat(remote("push", file.toString()).exitCode()).isZero();
        setMaxTokens(pulled, 0, 4096);
        assertThat(remote("push", pulled.toString()).exitCode()).isEqualTo(1);
        Run forced = remote("push", pulled.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.outLines().get(0)).isEqualTo("pushed " + project + ": version 3");

        Run unknown = remote("pull", "nobody-has-this-id");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: Manifest not found: nobody-has-this-id (HTTP 404");

        Run wrongToken = cli("history", project, "--server", server, "--token", "wrong-token-xyz");
        assertThat(wrongToken.exitCode()).isEqualTo(1);
        assertThat(wrongToken.err()).contains("(HTTP 401").doesNotContain("wrong-token-xyz");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run unreachable = cli("history", project, "--server", "http://127.0.0.1:" + closedPort, "--token", token);
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.err()).startsWith("cannot reach http://127.0.0.1:" + closedPort);
        Run badUrl = cli("history", project, "--server", "localhost:8080", "--token", token);
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.err()).contains("--server must be an http(s) URL");
    }
}
