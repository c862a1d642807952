package ai.dsp.platform.app;

import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.RetrievalSettings;
import ai.dsp.platform.retrieve.Rm3;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * /{project}/{module}/... on the running platform: a project manifest written through the
 * Control Tower, its policy, and each module type the Front Door serves (rag_config, jwt_config,
 * embeddings), with the status rules, the policy's allow and deny, and an audit record per call.
 */
class FrontDoorTest {

    private static final String PROJECT = "fdtest";
    private static final String DOCS = "fdtest-docs-rag_config";

    @TempDir
    static Path work;
    static AppHarness app;
    static AppHarness reader;
    static Path audit;

    @BeforeAll
    static void start() {
        audit = work.resolve("audit.log");
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.audit.file=" + audit,
                "--dsp.front-door.environment=production");
        String manifest = """
                {"manifest": {"project_id": "fdtest", "project_name": "Front Door test", "environment": "development",
                  "environments": {"development": {"secrets": {}}},
                  "modules": [
                    {"module_type": "rag_config", "name": "fdtest-docs-rag_config", "version": "1",
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2", "retrieval_k": 3,
                                "keyword_weight": 2.5, "rrf_k_constant": 20, "candidate_depth": 80, "query_expansion_enabled": true}},
                    {"module_type": "rag_config", "name": "fdtest-old-rag_config", "version": "1", "status": "deprecated",
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2", "dense_weight": "heavy",
                                "keyword_weight": -1, "query_expansion_enabled": true, "query_expansion_strategy": "multi_query"}},
                    {"module_type": "rag_config", "name": "fdtest-off-rag_config", "version": "1", "status": "disabled",
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2"}},
                    {"module_type": "rag_config", "name": "fdtest-next-rag_config", "version": "1", "status": "development",
                     "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2"}},
                    {"module_type": "monitoring", "name": "fdtest-obs-monitoring", "version": "1", "config": {}},
                    {"module_type": "jwt_config", "name": "fdtest-auth-jwt_config", "version": "1",
                     "config": {"claims": {"static": {"tier": "gold", "models": ["m-1"]}}}}
                  ]}}""";
        AppHarness.Reply created = app.send("POST", "/manifests", manifest, Map.of());
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        AppHarness.Reply policy = app.postJson("/policies/add", Map.of("client_id", "fdtest_policy", "policy_content", """
                project: fdtest
                roles: {analyst: [query, read, embed, infer]}
                user_roles: {reader: analyst}
                allowed_resources: {rag_config: ["*"], inference_endpoint: ["*"]}
                """));
        assertThat(policy.status()).as(String.valueOf(policy.body())).isEqualTo(201);
        reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));

        AppHarness.Reply uploaded = app.postMultipart("/fdtest/" + DOCS + "/documents", new Multipart()
                .field("collection", "default")
                .file("file", "backups.txt", "text/plain",
                        "Production databases are backed up every night and nightly backups are kept for 35 days.".getBytes(StandardCharsets.UTF_8)));
        assertThat(uploaded.status()).as(String.valueOf(uploaded.body())).isEqualTo(202);
        String id = uploaded.body().at("/documents/0/id").asText();
        assertThat(uploaded.body().at("/documents/0/collection").asText()).isEqualTo("fdtest.fdtest-docs-rag_config");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                "INDEXED".equals(app.get("/fdtest/" + DOCS + "/documents/" + id).body().path("status").asText()));
        app.postJson("/api/v1/documents/text?collection=default", List.of(Map.of("id", "elsewhere",
                "content", "Nightly backups of the other team are kept for 7 days.")));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                "INDEXED".equals(app.get("/api/v1/documents/elsewhere").body().path("status").asText()));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aRagModuleSetsItsCollectionsFusionWeightsAndExpansionAndABadValueLeavesTheDefault() {
        RetrievalCollections collections = app.bean(RetrievalCollections.class);

        RetrievalSettings docs = collections.of("fdtest.fdtest-docs-rag_config");
        assertThat(docs.keywordWeight()).isEqualTo(2.5);
        assertThat(docs.denseWeight()).isEqualTo(1.0);
        assertThat(docs.rrfK()).isEqualTo(20);
        assertThat(docs.candidates()).isEqualTo(80);
        assertThat(docs.rm3()).isEqualTo(new Rm3.Settings(10, 10, 0.5));
        // a weight that is no number or out of range, and an expansion that needs an LLM it has not got: the defaults
        RetrievalSettings old = collections.of("fdtest.fdtest-old-rag_config");
        assertThat(old.keywordWeight()).isEqualTo(1.0);
        assertThat(old.denseWeight()).isEqualTo(1.0);
        assertThat(old.rm3()).isNull();
        assertThat(collections.of("default").candidates()).isEqualTo(50);
        // the module's settings are the ones its queries run with: its one chunk, first in both legs, scores 2 / (k + 1) with its k of 20
        AppHarness.Reply retrieved = reader.postJson("/fdtest/" + DOCS + "/retrieve", Map.of("query", "nightly backups"));
        assertThat(retrieved.status()).as(String.valueOf(retrieved.body())).isEqualTo(200);
        assertThat(retrieved.body().path("results").path(0).path("score").asDouble()).isCloseTo(2.0 / 21, within(1e-6));
    }

    @Test
    void aRagModuleAnswersFromItsOwnCollectionOnly() {
        AppHarness.Reply answer = reader.postJson("/fdtest/" + DOCS + "/query", Map.of("query", "How long are nightly backups kept?"));
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
        assertThat(answer.body().path("answer").asText()).contains("35 days");
        assertThat(answer.body().path("sources")).allSatisfy(source -> assertThat(source.path("document_id").asText()).isNotEqualTo("elsewhere"));

        AppHarness.Reply retrieved = reader.postJson("/fdtest/" + DOCS + "/retrieve", Map.of("query", "nightly backups"));
        assertThat(retrieved.body().path("results")).isNotEmpty().allSatisfy(result ->
                assertThat(result.path("document_id").asText()).isNotEqualTo("elsewhere"));
        assertThat(reader.postJson("/fdtest/" + DOCS + "/retrieve", Map.of("query", "backups", "collection", "default")).status())
                .isEqualTo(400);
        assertThat(reader.get("/fdtest/" + DOCS + "/documents/elsewhere").status()).isEqualTo(404);
        assertThat(reader.get("/fdtest/" + DOCS + "/documents").body().path("total").asInt()).isEqualTo(1);
    }

    @Test
    void aRagModuleAnswersOpenAiChatCompletionsWithItsSources() {
        AppHarness.Reply chat = reader.postJson("/fdtest/" + DOCS + "/v1/chat/completions", Map.of("model", "ignored",
                "messages", List.of(Map.of("role", "user", "content", "How long are nightly backups kept?"))));
        assertThat(chat.status()).as(String.valueOf(chat.body())).isEqualTo(200);
        assertThat(chat.body().path("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.body().path("model").asText()).isEqualTo("fdtest/" + DOCS);
        assertThat(chat.body().at("/choices/0/message/content").asText()).contains("35 days");
        assertThat(chat.body().path("sources")).isNotEmpty();
        assertThat(chat.body().at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(reader.postJson("/fdtest/" + DOCS + "/chat/completions", Map.of("messages", List.of())).status()).isEqualTo(400);
    }

    @Test
    void theOpenAiApiAtTheRootReachesTheModuleItsModelNames() {
        AppHarness.Reply models = reader.get("/v1/models");
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.body().path("data")).extracting(model -> model.path("id").asText())
                .contains("fdtest/" + DOCS, "fdtest/fdtest-old-rag_config")
                .doesNotContain("fdtest/fdtest-off-rag_config", "fdtest/fdtest-next-rag_config", "fdtest/fdtest-obs-monitoring",
                        "nopolicy/nopolicy-docs-rag_config");
        assertThat(reader.get("/v1/models/fdtest/" + DOCS).body().path("owned_by").asText()).isEqualTo("fdtest");
        assertThat(reader.get("/v1/models/fdtest/fdtest-off-rag_config").status()).isEqualTo(404);

        AppHarness.Reply chat = reader.postJson("/v1/chat/completions", Map.of("model", "fdtest/" + DOCS,
                "messages", List.of(Map.of("role", "user", "content", "How long are nightly backups kept?"))));
        assertThat(chat.status()).as(String.valueOf(chat.body())).isEqualTo(200);
        assertThat(chat.body().at("/choices/0/message/content").asText()).contains("35 days");
        assertThat(reader.postJson("/v1/chat/completions", Map.of("model", "gpt-4", "messages", List.of())).status()).isEqualTo(404);
        assertThat(reader.postJson("/v1/embeddings", Map.of("model", "fdtest/" + DOCS, "input", List.of("a", "b"))).body().path("data"))
                .hasSize(2);
    }

    @Test
    void theStatusOfAModuleDecidesWhetherItIsServed() {
        assertThat(reader.postJson("/nosuchproject/" + DOCS + "/query", Map.of("query", "x")).status()).isEqualTo(404);
        assertThat(reader.postJson("/fdtest/nosuchmodule/query", Map.of("query", "x")).body().path("message").asText())
                .contains("no module nosuchmodule");
        AppHarness.Reply disabled = reader.postJson("/fdtest/fdtest-off-rag_config/query", Map.of("query", "x"));
        assertThat(disabled.status()).isEqualTo(404);
        assertThat(disabled.body().path("message").asText()).contains("fdtest-off-rag_config", "disabled");
        assertThat(reader.postJson("/fdtest/fdtest-next-rag_config/query", Map.of("query", "x")).body().path("message").asText())
                .contains("development");
        AppHarness.Reply deprecated = reader.postJson("/fdtest/fdtest-old-rag_config/query", Map.of("query", "backups"));
        assertThat(deprecated.status()).isEqualTo(200);
        assertThat(deprecated.header("Deprecation")).isEqualTo("true");
        AppHarness.Reply monitoring = reader.postJson("/fdtest/fdtest-obs-monitoring/query", Map.of("query", "x"));
        assertThat(monitoring.status()).isEqualTo(501);
        assertThat(monitoring.body().path("message").asText()).contains("monitoring");
        assertThat(reader.postJson("/fdtest/fdtest-auth-jwt_config/query", Map.of("query", "x")).status()).isEqualTo(404);
    }

    @Test
    void aRagServiceModuleAsksTheRemoteServiceWithItsConfiguration() throws Exception {
        HttpServer remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<JsonNode> asked = new CopyOnWriteArrayList<>();
        remote.createContext("/api/v1/query", exchange -> {
            asked.add(AppHarness.JSON.readTree(exchange.getRequestBody()));
            byte[] answer = "{\"query\": \"q\", \"answer\": \"Kept for 35 days.\", \"sources\": [], \"configuration_name\": \"kb\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        remote.createContext("/api/v1/retrieve", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        remote.start();
        try {
            assertThat(app.send("POST", "/manifests", """
                    {"manifest": {"project_id": "remote", "project_name": "Remote RAG", "modules": [
                      {"module_type": "rag_service", "name": "remote-kb-rag_service", "version": "1",
                       "config": {"service_url": "http://127.0.0.1:%d/api/v1", "configuration_name": "kb", "default_k": 4, "max_retries": 1}}]}}"""
                    .formatted(remote.getAddress().getPort()), Map.of()).status()).isEqualTo(201);
            AppHarness.Reply answer = app.postJson("/remote/remote-kb-rag_service/query", Map.of("query", "How long are backups kept?"));
            assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
            assertThat(answer.body().path("answer").asText()).isEqualTo("Kept for 35 days.");
            assertThat(asked).singleElement().satisfies(body -> {
                assertThat(body.path("configuration_name").asText()).isEqualTo("kb");
                assertThat(body.path("k").asInt()).isEqualTo(4);
                assertThat(body.path("query").asText()).isEqualTo("How long are backups kept?");
            });
            AppHarness.Reply failed = app.postJson("/remote/remote-kb-rag_service/retrieve", Map.of("query", "backups"));
            assertThat(failed.status()).isEqualTo(502);
            assertThat(failed.body().path("message").asText()).contains("status 503");
        } finally {
            remote.stop(0);
        }
    }

    @Test
    void aRagServiceWithJwtAuthCallsAsTheCallerWithATokenSignedByItsJwtModule() throws Exception {
        String secret = "remote-rag-shared-secret-of-at-least-32-bytes";
        HttpServer remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> authorizations = new CopyOnWriteArrayList<>();
        remote.createContext("/query", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] answer = "{\"answer\": \"Kept for 35 days.\", \"sources\": []}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        remote.start();
        try {
            String url = "http://127.0.0.1:" + remote.getAddress().getPort();
            assertThat(app.send("POST", "/manifests", """
                    {"manifest": {"project_id": "remoteauth", "project_name": "Remote RAG with JWT", "modules": [
                      {"module_type": "jwt_config", "name": "remoteauth-svc-jwt_config", "version": "1",
                       "config": {"secret_key": "%2$s", "algorithm": "HS256", "issuer": "dsp-front-door", "audience": "kb-service",
                                  "expiration_minutes": 30, "claims": {"static": {"tier": "gold"}}}},
                      {"module_type": "rag_service", "name": "remoteauth-kb-rag_service", "version": "1",
                       "config": {"service_url": "%1$s", "configuration_name": "kb", "jwt_auth_enabled": true,
                                  "jwt_module_reference": "remoteauth-svc-jwt_config"}},
                      {"module_type": "rag_service", "name": "remoteauth-lost-rag_service", "version": "1",
                       "config": {"service_url": "%1$s", "configuration_name": "kb", "jwt_auth_enabled": true,
                                  "jwt_module_reference": "remoteauth-gone-jwt_config"}}]}}""".formatted(url, secret), Map.of()).status())
                    .isEqualTo(201);

            AppHarness.Reply answer = app.postJson("/remoteauth/remoteauth-kb-rag_service/query", Map.of("query", "How long are backups kept?"));
            assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
            String authorization = authorizations.get(0);
            assertThat(authorization).startsWith("Bearer ");
            SignedJWT token = SignedJWT.parse(authorization.substring("Bearer ".length()));
            assertThat(token.verify(new MACVerifier(secret))).as("signed with the jwt_config module's secret").isTrue();
            JWTClaimsSet claims = token.getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("admin");
            assertThat(claims.getIssuer()).isEqualTo("dsp-front-door");
            assertThat(claims.getAudience()).containsExactly("kb-service");
            assertThat(claims.getStringClaim("tier")).isEqualTo("gold");
            assertThat(claims.getStringListClaim("roles")).contains("admin");
            assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).as("made for one call").isLessThanOrEqualTo(300_000);

            AppHarness.Reply lost = app.postJson("/remoteauth/remoteauth-lost-rag_service/query", Map.of("query", "backups"));
            assertThat(lost.status()).isEqualTo(502);
            assertThat(lost.body().path("message").asText()).contains("'remoteauth-gone-jwt_config' is not a jwt_config module")
                    .doesNotContain(secret);
            assertThat(authorizations).as("nothing was sent without its token").hasSize(1);
        } finally {
            remote.stop(0);
        }
    }

    @Test
    void aModelServerModuleEmbedsReranksAndClassifiesWithItsKeyAndDefaults() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, JsonNode> asked = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> keys = new CopyOnWriteArrayList<>();
        Map<String, String> answers = Map.of(
                "/embeddings", "{\"embeddings\": [[0.5, -0.25, 1.0], [0.0, 0.125, -1.0]]}",
                "/rerank", "{\"scores\": [0.91, 0.07]}",
                "/classify", "{\"labels\": [\"backup\", \"hr\"], \"scores\": [0.8, 0.6]}",
                "/short-rerank", "{\"scores\": [0.91]}");
        answers.forEach((path, reply) -> server.createContext("/ms" + path, exchange -> {
            asked.put(path, AppHarness.JSON.readTree(exchange.getRequestBody()));
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }));
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ms";
            assertThat(app.send("POST", "/manifests", """
                    {"manifest": {"project_id": "models", "project_name": "Model server", "modules": [
                      {"module_type": "model_server", "name": "models-ms-model_server", "version": "1",
                       "config": {"service_url": "%1$s", "default_embedding_model": "bge-small", "default_reranker_model": "ms-marco",
                                  "default_classifier_model": "topics", "api_key_enabled": true, "api_key": "ms-key-7f3a"}},
                      {"module_type": "model_server", "name": "models-short-model_server", "version": "1",
                       "config": {"service_url": "%1$s", "rerank_endpoint": "/short-rerank"}}]}}""".formatted(url), Map.of()).status())
                    .isEqualTo(201);
            String module = "/models/models-ms-model_server";

            AppHarness.Reply embedded = app.postJson(module + "/embeddings", Map.of("texts", List.of("backups", "holidays")));
            assertThat(embedded.status()).as(String.valueOf(embedded.body())).isEqualTo(200);
            assertThat(embedded.body().path("embeddings").get(1).get(1).asDouble()).isEqualTo(0.125);
            assertThat(asked.get("/embeddings").path("model_name").asText()).isEqualTo("bge-small");

            AppHarness.Reply reranked = app.postJson(module + "/rerank", Map.of("query", "backups", "texts", List.of("kept 35 days", "holidays")));
            assertThat(reranked.status()).as(String.valueOf(reranked.body())).isEqualTo(200);
            assertThat(reranked.body().path("scores")).extracting(JsonNode::asDouble).containsExactly(0.91, 0.07);
            assertThat(asked.get("/rerank").path("model_name").asText()).isEqualTo("ms-marco");
            assertThat(asked.get("/rerank").path("query").asText()).isEqualTo("backups");

            AppHarness.Reply classified = app.postJson(module + "/classify", Map.of("texts", List.of("a", "b"), "model_name", "other"));
            assertThat(classified.status()).isEqualTo(200);
            assertThat(classified.body().path("labels").get(0).asText()).isEqualTo("backup");
            assertThat(asked.get("/classify").path("model_name").asText()).as("the caller's model over the default").isEqualTo("other");
            assertThat(keys).containsOnly("Bearer ms-key-7f3a");

            assertThat(app.postJson(module + "/rerank", Map.of("texts", List.of("a"))).status()).isEqualTo(400);
            assertThat(app.postJson(module + "/rerank", Map.of("query", "q", "texts", List.of())).status()).isEqualTo(400);
            AppHarness.Reply short_ = app.postJson("/models/models-short-model_server/rerank", Map.of("query", "q", "texts", List.of("a", "b")));
            assertThat(short_.status()).isEqualTo(502);
            assertThat(short_.body().path("message").asText()).contains("1 scores for 2 texts");
            assertThat(app.postJson("/models/models-ms-model_server/query", Map.of("query", "q")).body().path("message").asText())
                    .contains("/embeddings", "/rerank", "/classify");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theProjectsPolicyAllowsAndDenies() {
        AppHarness.Reply denied = reader.delete("/fdtest/" + DOCS + "/documents/whatever");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body().path("message").asText()).contains("fdtest_policy", "delete");
        assertThat(app.anonymous().postJson("/fdtest/" + DOCS + "/query", Map.of("query", "x")).status()).isEqualTo(401);
        // a project without a policy is for administrators only
        assertThat(app.send("POST", "/manifests", """
                {"manifest": {"project_id": "nopolicy", "project_name": "No policy", "modules": [
                  {"module_type": "rag_config", "name": "nopolicy-docs-rag_config", "version": "1",
                   "config": {"vector_store_type": "lucene", "embedding_model": "all-MiniLM-L6-v2"}}]}}""", Map.of()).status()).isEqualTo(201);
        assertThat(reader.postJson("/nopolicy/nopolicy-docs-rag_config/query", Map.of("query", "x")).status()).isEqualTo(403);
        assertThat(app.postJson("/nopolicy/nopolicy-docs-rag_config/query", Map.of("query", "x")).status()).isEqualTo(200);
    }

    @Test
    void embeddingsInTheSeedsAndOpenAisShapes() {
        AppHarness.Reply seed = reader.postJson("/fdtest/" + DOCS + "/embeddings", Map.of("texts", List.of("backups", "restores")));
        assertThat(seed.status()).as(String.valueOf(seed.body())).isEqualTo(200);
        assertThat(seed.body().path("embeddings")).hasSize(2);
        assertThat(seed.body().at("/embeddings/0")).hasSize(384);
        assertThat(reader.postJson("/fdtest/" + DOCS + "/api/embeddings", Map.of("texts", List.of("x"))).body().path("embeddings")).hasSize(1);
        AppHarness.Reply openAi = reader.postJson("/fdtest/" + DOCS + "/v1/embeddings", Map.of("input", "backups", "model", "any"));
        assertThat(openAi.body().path("object").asText()).isEqualTo("list");
        assertThat(openAi.body().at("/data/0/embedding")).hasSize(384);
        assertThat(openAi.body().at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(reader.postJson("/fdtest/" + DOCS + "/embeddings", Map.of("texts", Collections.nCopies(257, "x"))).status()).isEqualTo(400);
    }

    @Test
    void theTokenBrokerIssuesTokensWithTheModulesClaims() throws Exception {
        AppHarness.Reply token = app.anonymous().postJson("/fdtest/fdtest-auth-jwt_config/token",
                Map.of("username", AppHarness.READER, "password", AppHarness.READER_PASSWORD));
        assertThat(token.status()).as(String.valueOf(token.body())).isEqualTo(200);
        String jwt = token.body().path("access_token").asText();
        JsonNode claims = AppHarness.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        assertThat(claims.path("sub").asText()).isEqualTo(AppHarness.READER);
        assertThat(claims.path("tier").asText()).isEqualTo("gold");
        assertThat(app.anonymous().postJson("/fdtest/fdtest-auth-jwt_config/token",
                Map.of("username", AppHarness.READER, "password", "wrong")).status()).isEqualTo(401);
        assertThat(app.anonymous().postJson("/fdtest/" + DOCS + "/token",
                Map.of("username", AppHarness.READER, "password", AppHarness.READER_PASSWORD)).status()).isEqualTo(404);
    }

    @Test
    void callsAreMeteredByProjectModuleAndOperation() {
        reader.postJson("/fdtest/" + DOCS + "/retrieve", Map.of("query", "metered backups"));
        reader.delete("/fdtest/" + DOCS + "/documents/metered");
        Scrape scrape = Scrape.of(app);
        assertThat(scrape.value("dsp_frontdoor_requests_total", "project=\"fdtest\"", "module=\"" + DOCS + "\"",
                "operation=\"retrieve\"", "status=\"2xx\"")).isPositive();
        assertThat(scrape.value("dsp_frontdoor_requests_total", "operation=\"delete_document\"", "status=\"4xx\"")).isPositive();
    }

    @Test
    void everyFrontDoorCallLeavesAnAuditRecord() throws Exception {
        reader.postJson("/fdtest/" + DOCS + "/retrieve", Map.of("query", "audited backups"));
        reader.delete("/fdtest/" + DOCS + "/documents/audited");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<JsonNode> records = AuditRecords.all(audit);
            assertThat(records).anySatisfy(record -> {
                assertThat(record.path("path").asText()).isEqualTo("/fdtest/" + DOCS + "/retrieve");
                assertThat(record.path("principal").asText()).isEqualTo(AppHarness.READER);
                assertThat(record.path("status").asInt()).isEqualTo(200);
            });
            assertThat(records).anySatisfy(record -> {
                assertThat(record.path("path").asText()).isEqualTo("/fdtest/" + DOCS + "/documents/audited");
                assertThat(record.path("status").asInt()).isEqualTo(403);
            });
        });
    }
}
