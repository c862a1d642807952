package ai.dsp.platform.app;

import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.testing.Executables;
import ai.dsp.platform.testing.OpenAiUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official {@code openai} npm client (installed from the npm registry by the test; Node.js is
 * a prerequisite) against the platform's {@code /v1} API, changed only in base URL and key: chat,
 * a streamed chat, a RAG module's answer with its sources, embeddings, models, and the errors a
 * client must see (401, an unknown model, 429 over the rate limit).
 */
class OpenAiClientTest {

    /** The newest release for Node.js 20 (7.x needs Node.js 22). */
    static final String OPENAI_CLIENT = "openai@6.30.1";
    static final Path CLIENT_DIR = Path.of("app", "target", "openai-client");

    @TempDir
    static Path work;
    static AppHarness app;
    static OpenAiUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        installClient();
        upstream = new OpenAiUpstream();
        upstream.otherwise(OpenAiUpstream.completion("Paris."));
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"));
        String manifest = """
                {"manifest": {"project_id": "oai", "project_name": "OpenAI client",
                  "modules": [
                    {"module_type": "inference_endpoint", "name": "oai-chat-inference_endpoint", "version": "1",
                     "config": {"endpoint_url": "%s", "model_name": "upstream-model"}},
                    {"module_type": "rag_config", "name": "oai-docs-rag_config", "version": "1",
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2"}}]}}""".formatted(upstream.baseUrl());
        assertThat(app.send("POST", "/manifests", manifest, Map.of()).status()).isEqualTo(201);
        assertThat(app.postJson("/policies/add", Map.of("client_id", "oai_policy", "policy_content", """
                project: oai
                roles: {user: [infer, embed, query]}
                user_roles: {reader: user}
                allowed_resources: {inference_endpoint: ["*"], rag_config: ["*"]}
                """)).status()).isEqualTo(201);
        app.postMultipart("/oai/oai-docs-rag_config/documents", new Multipart().file("file", "backups.txt", "text/plain",
                "Nightly backups are kept for 35 days.".getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                app.get("/oai/oai-docs-rag_config/documents").body().path("items").path(0).path("status").asText().equals("INDEXED"));
    }

    @AfterAll
    static void stop() {
        app.close();
        upstream.close();
    }

    static void installClient() throws Exception {
        Path npm = Executables.require("npm", "npm");
        Executables.require("node", "nodejs");
        if (Files.isDirectory(CLIENT_DIR.resolve("node_modules").resolve("openai"))) {
            return;
        }
        Files.createDirectories(CLIENT_DIR);
        Process install = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--prefix", CLIENT_DIR.toString(), OPENAI_CLIENT)
                .redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor(5, TimeUnit.MINUTES)).as("npm install " + OPENAI_CLIENT).isTrue();
        assertThat(install.exitValue()).as("npm install " + OPENAI_CLIENT + ":\n" + output).isZero();
    }

    @Test
    void theOfficialClientWorksUnchangedButForBaseUrlAndKey() throws Exception {
        Path script = CLIENT_DIR.resolve("client-test.mjs");
        try (InputStream source = OpenAiClientTest.class.getResourceAsStream("/openai-client/client-test.mjs")) {
            Files.copy(source, script, StandardCopyOption.REPLACE_EXISTING);
        }
        upstream.enqueue(OpenAiUpstream.completion("Paris."), OpenAiUpstream.stream(List.of("Par", "is", ".")));
        TokenService tokens = app.bean(TokenService.class);
        ProcessBuilder node = new ProcessBuilder(Executables.require("node", "nodejs").toString(), script.toString());
        node.environment().put("BASE_URL", "http://127.0.0.1:" + app.port + "/v1");
        node.environment().put("TOKEN", app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
        node.environment().put("LIMITED_TOKEN", tokens.issue(AppHarness.READER, Map.of("roles", List.of("user"), "rate_limit", 2)).accessToken());
        node.environment().put("CHAT_MODEL", "oai/oai-chat-inference_endpoint");
        node.environment().put("RAG_MODEL", "oai/oai-docs-rag_config");
        Process run = node.redirectErrorStream(false).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(run.exitValue()).as(err).isZero();
        JsonNode seen = AppHarness.JSON.readTree(out.lines().reduce((first, last) -> last).orElseThrow());

        assertThat(seen.at("/chat/content").asText()).isEqualTo("Paris.");
        assertThat(seen.at("/chat/finish").asText()).isEqualTo("stop");
        assertThat(seen.at("/stream/content").asText()).isEqualTo("Paris.");
        assertThat(seen.at("/stream/chunks").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(seen.at("/rag/content").asText()).contains("35 days");
        assertThat(seen.at("/rag/sources").asInt()).isPositive();
        // streamed sentence by sentence (no LLM here), the same answer, the sources with the last chunk
        assertThat(seen.at("/ragStream/content").asText()).isEqualTo(seen.at("/rag/content").asText());
        assertThat(seen.at("/ragStream/sources").asInt()).isPositive();
        assertThat(seen.at("/embeddings/count").asInt()).isEqualTo(2);
        assertThat(seen.at("/embeddings/dimensions").asInt()).isEqualTo(384);
        assertThat(seen.path("models")).extracting(JsonNode::asText).contains("oai/oai-chat-inference_endpoint", "oai/oai-docs-rag_config");
        assertThat(seen.path("unauthorized").asInt()).isEqualTo(401);
        assertThat(seen.path("unknownModel").asInt()).isEqualTo(404);
        assertThat(seen.path("limited")).extracting(JsonNode::asInt).contains(429);
        assertThat(upstream.lastRequest().body().path("model").asText()).isEqualTo("upstream-model");
    }
}
