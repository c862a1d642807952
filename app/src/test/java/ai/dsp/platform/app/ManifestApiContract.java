package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Control Tower's manifest API on the running platform, one contract for both stores (the
 * subclasses choose one): the seed's calls and bodies, versions with ETag/If-Match, rollback,
 * delete and purge, masking and resolution by permission, the seed's superuser header, events to
 * the webhook, and bad input answered with the error body while the previous version keeps serving.
 */
abstract class ManifestApiContract {

    private static final String SUPERUSER_SECRET = "test-superuser-secret";
    private static final String SALT = "0123456789abcdef";

    @TempDir
    static Path work;
    static AppHarness app;
    static HttpServer receiver;
    static final BlockingQueue<JsonNode> EVENTS = new LinkedBlockingQueue<>();

    /** Starts the platform with the contract's settings and the store's. */
    static void start(String... storeSettings) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode event = AppHarness.JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (event.path("type").asText().startsWith("manifest.")) {
                    EVENTS.add(event);
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((SUPERUSER_SECRET + SALT).getBytes(StandardCharsets.UTF_8)));
        List<String> settings = new ArrayList<>(List.of(
                "--dsp.notify.webhook-url=http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks",
                "--dsp.control-tower.superuser-secret-hash=" + hash,
                "--dsp.control-tower.superuser-salt=" + SALT));
        settings.addAll(List.of(storeSettings));
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), settings.toArray(String[]::new));
    }

    @AfterAll
    static void stopPlatform() {
        app.close();
        receiver.stop(0);
    }

    static ObjectNode manifest(String projectId) {
        try {
            return (ObjectNode) AppHarness.JSON.readTree("""
                    {
                      "project_id": "%1$s",
                      "project_name": "Project %1$s",
                      "version": "1.0.0",
                      "environment": "development",
                      "environments": {
                        "development": {"secrets": {"jwt_secret": "dev-literal-secret"}, "urls": {"llm": "http://127.0.0.1:9/v1"}}
                      },
                      "modules": [
                        {"module_type": "jwt_config", "name": "%1$s-auth-jwt_config", "version": "1.0.0",
                         "config": {"secret_key": "${environments.${environment}.secrets.jwt_secret}", "algorithm": "HS256"}},
                        {"module_type": "inference_endpoint", "name": "%1$s-chat-inference_endpoint", "version": "1.0.0",
                         "dependencies": ["%1$s-auth-jwt_config"], "monitoring_tag": "kept",
                         "config": {"endpoint_url": "${environments.development.urls.llm}", "model_name": "m", "api_key": "sk-literal-key",
                                    "temperature": 0.70}}
                      ],
                      "x_custom": {"kept": true}
                    }""".formatted(projectId));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(JsonNode manifest) {
        return AppHarness.JSON.createObjectNode().set("manifest", manifest).toString();
    }

    @Test
    void aManifestComesBackAsWrittenWithServerTimestampsAndAnETag() {
        ObjectNode written = manifest("roundtrip");
        written.put("created_at", "1999-01-01T00:00:00Z");
        // as a client's text has it: 0.70, which a binary double would print as 0.7
        AppHarness.Reply created = app.send("POST", "/manifests", body(written).replace("\"temperature\":0.7", "\"temperature\":0.70"), Map.of());
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(created.body().path("manifest_id").asText()).isEqualTo("roundtrip");
        assertThat(created.body().path("version").asInt()).isEqualTo(1);
        assertThat(created.header("ETag")).isEqualTo("\"1\"");

        AppHarness.Reply read = app.get("/manifests/roundtrip");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("ETag")).isEqualTo("\"1\"");
        ObjectNode served = (ObjectNode) read.body().deepCopy();
        assertThat(served.path("created_at").asText()).isNotEqualTo("1999-01-01T00:00:00Z").endsWith("Z");
        assertThat(served.path("updated_at").asText()).isEqualTo(served.path("created_at").asText());
        served.remove(List.of("created_at", "updated_at"));
        written.remove("created_at");
        // unknown keys kept, no defaults written, order as sent
        assertThat(served).isEqualTo(written);
        assertThat(names(served)).isEqualTo(names(written));
        assertThat(served.at("/modules/1/monitoring_tag").asText()).isEqualTo("kept");
        assertThat(served.at("/modules/0/config").has("expiration_minutes")).isFalse();
        // decimals as written, not as a binary double prints them
        assertThat(app.getText("/manifests/roundtrip").body()).contains("\"temperature\":0.70");

        AppHarness.Reply list = app.get("/manifests");
        JsonNode row = stream(list.body().path("manifests")).filter(m -> m.path("project_id").asText().equals("roundtrip")).findFirst().orElseThrow();
        assertThat(row.path("module_count").asInt()).isEqualTo(2);
        assertThat(row.path("manifest_version").asInt()).isEqualTo(1);
        assertThat(list.body().path("count").asInt()).isEqualTo(list.body().path("manifests").size());
    }

    @Test
    void writesAreVersionsWithIfMatchAndRollback() {
        assertThat(app.send("POST", "/manifests", body(manifest("versioned")), Map.of()).status()).isEqualTo(201);
        ObjectNode second = manifest("versioned");
        second.put("description", "second");
        AppHarness.Reply updated = app.send("PUT", "/manifests/versioned", body(second), Map.of("If-Match", "\"1\""));
        assertThat(updated.status()).as(String.valueOf(updated.body())).isEqualTo(200);
        assertThat(updated.header("ETag")).isEqualTo("\"2\"");

        AppHarness.Reply stale = app.send("PUT", "/manifests/versioned", body(manifest("versioned")), Map.of("If-Match", "\"1\""));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.body().path("current_version").asInt()).isEqualTo(2);
        assertThat(stale.body().path("requestId").asText()).isNotBlank();

        // the seed's clients send no If-Match: accepted
        ObjectNode third = manifest("versioned");
        third.put("description", "third");
        assertThat(app.send("PUT", "/manifests/versioned", body(third), Map.of()).status()).isEqualTo(200);

        JsonNode versions = app.get("/manifests/versioned/versions").body();
        assertThat(versions.path("count").asInt()).isEqualTo(3);
        assertThat(versions.at("/versions/0/change").asText()).isEqualTo("created");
        assertThat(versions.at("/versions/1/author").asText()).isEqualTo("admin");
        assertThat(versions.at("/versions/1/summary").asText()).contains("description");
        assertThat(app.get("/manifests/versioned/versions/2").body().at("/manifest/description").asText()).isEqualTo("second");

        AppHarness.Reply rolledBack = app.postJson("/manifests/versioned/rollback", Map.of("version", 1));
        assertThat(rolledBack.status()).as(String.valueOf(rolledBack.body())).isEqualTo(200);
        assertThat(rolledBack.body().path("version").asInt()).isEqualTo(4);
        assertThat(rolledBack.body().path("rolled_back_to").asInt()).isEqualTo(1);
        JsonNode current = app.get("/manifests/versioned").body();
        assertThat(current.has("description")).isFalse();
        assertThat(app.get("/manifests/versioned/versions").body().at("/versions/3/change").asText()).isEqualTo("rolled_back");
    }

    @Test
    void ofConcurrentWritesExpectingTheSameVersionExactlyOneWins() throws Exception {
        assertThat(app.send("POST", "/manifests", body(manifest("raced")), Map.of()).status()).isEqualTo(201);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                ObjectNode next = manifest("raced");
                next.put("description", "writer " + i);
                statuses.add(pool.submit(() -> app.send("PUT", "/manifests/raced", body(next), Map.of("If-Match", "\"1\"")).status()));
            }
            List<Integer> answers = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                answers.add(status.get(30, TimeUnit.SECONDS));
            }
            assertThat(answers).filteredOn(status -> status == 200).hasSize(1);
            assertThat(answers).filteredOn(status -> status == 412).hasSize(writers - 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(app.get("/manifests/raced/versions").body().path("count").asInt()).isEqualTo(2);
    }

    @Test
    void deleteKeepsTheHistoryUntilAnAdminPurgesIt() {
        assertThat(app.send("POST", "/manifests", body(manifest("deleted")), Map.of()).status()).isEqualTo(201);
        assertThat(app.send("DELETE", "/manifests/deleted", null, Map.of("If-Match", "\"7\"")).status()).isEqualTo(412);
        AppHarness.Reply deleted = app.send("DELETE", "/manifests/deleted", null, Map.of("If-Match", "\"1\""));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(app.get("/manifests/deleted").status()).isEqualTo(404);
        assertThat(app.get("/manifests/deleted/versions").body().path("count").asInt()).isEqualTo(2);
        assertThat(app.get("/manifests/deleted/versions/1").body().at("/manifest/project_id").asText()).isEqualTo("deleted");

        String reader = app.login(AppHarness.READER, AppHarness.READER_PASSWORD);
        assertThat(app.as(reader).send("DELETE", "/manifests/deleted/versions", null, Map.of()).status()).isEqualTo(403);
        assertThat(app.send("DELETE", "/manifests/deleted/versions", null, Map.of()).status()).isEqualTo(200);
        assertThat(app.get("/manifests/deleted/versions").status()).isEqualTo(404);
    }

    @Test
    void secretsAreMaskedForReadersAndResolvedOnlyWithPermission() {
        assertThat(app.send("POST", "/manifests", body(manifest("secrets")), Map.of()).status()).isEqualTo(201);
        AppHarness reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));

        JsonNode masked = reader.get("/manifests/secrets").body();
        assertThat(masked.at("/environments/development/secrets/jwt_secret").asText()).isEqualTo("********");
        assertThat(masked.at("/modules/1/config/api_key").asText()).isEqualTo("********");
        // a reference is no secret: the reader sees where the value comes from
        assertThat(masked.at("/modules/0/config/secret_key").asText()).isEqualTo("${environments.${environment}.secrets.jwt_secret}");
        assertThat(reader.get("/manifests/secrets/modules/secrets-chat-inference_endpoint").body().at("/config/api_key").asText())
                .isEqualTo("********");
        assertThat(reader.get("/manifests/secrets?resolve_env=true").status()).isEqualTo(403);

        JsonNode resolved = app.get("/manifests/secrets?resolve_env=true").body();
        assertThat(resolved.at("/modules/0/config/secret_key").asText()).isEqualTo("dev-literal-secret");
        assertThat(resolved.at("/modules/1/config/endpoint_url").asText()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(app.get("/manifests/secrets/modules/secrets-auth-jwt_config?resolve_env=true").body().at("/config/secret_key").asText())
                .isEqualTo("dev-literal-secret");
        // resolution never reaches the store
        assertThat(app.get("/manifests/secrets").body().at("/modules/0/config/secret_key").asText()).startsWith("${");
        assertThat(app.get("/manifests/secrets?resolve_env=maybe").status()).isEqualTo(400);
    }

    @Test
    void anUnresolvablePlaceholderIsA422ListingEveryPath() {
        ObjectNode manifest = manifest("unresolved");
        ((ObjectNode) manifest.at("/modules/1/config")).put("model_name", "${DSP_TEST_VARIABLE_THAT_IS_NOT_SET}");
        ((ObjectNode) manifest.at("/modules/1/config")).put("system_prompt", "${ANOTHER_UNSET_VARIABLE_FOR_TESTS}");
        assertThat(app.send("POST", "/manifests", body(manifest), Map.of()).status()).isEqualTo(201);
        AppHarness.Reply reply = app.get("/manifests/unresolved?resolve_env=true");
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.body().path("errors")).hasSize(2);
        assertThat(reply.body().path("errors").toString()).contains("/modules/1/config/model_name", "/modules/1/config/system_prompt");
    }

    @Test
    void invalidWritesAreRefusedAndThePreviousVersionKeepsServing() {
        assertThat(app.send("POST", "/manifests", body(manifest("guarded")), Map.of()).status()).isEqualTo(201);

        ObjectNode unknownType = manifest("guarded");
        ((ObjectNode) unknownType.at("/modules/0")).put("module_type", "apisix_gateway");
        AppHarness.Reply refused = app.send("PUT", "/manifests/guarded", body(unknownType), Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("errors").get(0).path("path").asText()).isEqualTo("/modules/0/module_type");

        assertThat(app.send("PUT", "/manifests/guarded", "{\"manifest\": {\"project_id\": ", Map.of()).status()).isEqualTo(400);
        assertThat(app.send("PUT", "/manifests/guarded", body(manifest("other")), Map.of()).status()).isEqualTo(400);
        assertThat(app.send("POST", "/manifests", body(manifest("guarded")), Map.of()).status()).isEqualTo(409);
        assertThat(app.send("PUT", "/manifests/missing", body(manifest("missing")), Map.of()).status()).isEqualTo(404);
        assertThat(app.get("/manifests/..%2Fetc").status()).isIn(400, 404);
        assertThat(app.get("/manifests/bad.id").status()).isEqualTo(400);

        ObjectNode huge = manifest("guarded");
        huge.put("padding", "x".repeat(1_100_000));
        assertThat(app.send("PUT", "/manifests/guarded", body(huge), Map.of()).status()).isEqualTo(413);
        String deep = "{\"manifest\":" + "{\"a\":".repeat(70) + "1" + "}".repeat(70) + "}";
        assertThat(app.send("POST", "/manifests/validate", deep, Map.of()).status()).isEqualTo(400);

        assertThat(app.get("/manifests/guarded").header("ETag")).isEqualTo("\"1\"");
        assertThat(app.get("/manifests/guarded/versions").body().path("count").asInt()).isEqualTo(1);
    }

    @Test
    void validateListsErrorsAndWarningsWithPointers() {
        ObjectNode manifest = manifest("checked");
        ((ObjectNode) manifest.at("/modules/1")).putArray("dependencies").add("checked-chat-inference_endpoint");
        ((ObjectNode) manifest.at("/modules/0")).putArray("dependencies").add("checked-chat-inference_endpoint");
        AppHarness.Reply reply = app.send("POST", "/manifests/validate", body(manifest), Map.of());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().path("valid").asBoolean()).isFalse();
        assertThat(reply.body().path("errors").toString()).contains("cycle");
        assertThat(app.get("/manifests/checked").status()).isEqualTo(404);
    }

    @Test
    void modulesCrossReferencesAndModuleTypes() {
        assertThat(app.send("POST", "/manifests", body(manifest("mods")), Map.of()).status()).isEqualTo(201);
        assertThat(app.get("/manifests/mods/modules").body().path("count").asInt()).isEqualTo(2);
        assertThat(app.get("/manifests/mods/modules/none").status()).isEqualTo(404);
        JsonNode references = app.get("/manifests/mods/cross-references").body();
        assertThat(references.at("/module_capabilities/mods-auth-jwt_config/referenced_by/0").asText()).isEqualTo("mods-chat-inference_endpoint");
        assertThat(references.at("/summary/total_modules").asInt()).isEqualTo(2);
        assertThat(app.get("/module-types").body().path("module_types")).hasSize(16);
    }

    @Test
    void readsNeedAuthenticationAndWritesAPermission() {
        assertThat(app.send("POST", "/manifests", body(manifest("guarded-writes")), Map.of()).status()).isEqualTo(201);
        assertThat(app.anonymous().get("/manifests").status()).isEqualTo(401);
        AppHarness reader = app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD));
        assertThat(reader.get("/manifests/guarded-writes").status()).isEqualTo(200);
        assertThat(reader.send("PUT", "/manifests/guarded-writes", body(manifest("guarded-writes")), Map.of()).status()).isEqualTo(403);
        assertThat(reader.send("POST", "/manifests", body(manifest("reader-made")), Map.of()).status()).isEqualTo(403);
    }

    @Test
    void theSeedsSuperuserSecretIsAnAdminOnTheControlTowerOnly() {
        Map<String, String> superuser = Map.of("X-DSPAI-Client-Secret", SUPERUSER_SECRET);
        AppHarness anonymous = app.anonymous();
        AppHarness.Reply created = anonymous.send("POST", "/manifests", body(manifest("superuser-made")), superuser);
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        assertThat(anonymous.send("GET", "/manifests/superuser-made/versions", null, superuser).body().at("/versions/0/author").asText())
                .isEqualTo("superuser");
        assertThat(anonymous.send("GET", "/manifests", null, Map.of("X-DSPAI-Client-Secret", "wrong")).status()).isEqualTo(401);
        // not a key to the rest of the platform
        assertThat(anonymous.send("GET", "/api-keys", null, superuser).status()).isEqualTo(401);
    }

    @Test
    void everyChangeIsAnnounced() throws InterruptedException {
        EVENTS.clear();
        assertThat(app.send("POST", "/manifests", body(manifest("announced")), Map.of()).status()).isEqualTo(201);
        assertThat(app.send("PUT", "/manifests/announced", body(manifest("announced")), Map.of()).status()).isEqualTo(200);
        assertThat(app.postJson("/manifests/announced/rollback", Map.of("version", 1)).status()).isEqualTo(200);
        assertThat(app.send("DELETE", "/manifests/announced", null, Map.of()).status()).isEqualTo(200);
        // events of other tests' writes may still be arriving: this test's are told by their project
        List<String> types = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (types.size() < 4 && System.nanoTime() < deadline) {
            JsonNode event = EVENTS.poll(1, TimeUnit.SECONDS);
            if (event != null && event.path("projectId").asText().equals("announced")) {
                assertThat(event.toString()).doesNotContain("sk-literal-key", "dev-literal-secret");
                assertThat(event.path("author").asText()).isEqualTo("admin");
                types.add(event.path("type").asText());
            }
        }
        assertThat(types).containsExactlyInAnyOrder("manifest.created", "manifest.updated", "manifest.rolled_back", "manifest.deleted");
    }

    @Test
    void callsAndModuleStatusesAreMetered() {
        ObjectNode manifest = manifest("metered");
        ((ObjectNode) manifest.at("/modules/1")).put("status", "deprecated");
        assertThat(app.send("POST", "/manifests", body(manifest), Map.of()).status()).isEqualTo(201);
        assertThat(app.send("PUT", "/manifests/metered", body(manifest), Map.of("If-Match", "\"9\"")).status()).isEqualTo(412);
        String scrape = app.getText("/metrics").body();
        assertThat(scrape).containsPattern("dsp_controltower_manifest_operations_total\\{operation=\"create\",result=\"ok\"} [1-9]")
                .containsPattern("dsp_controltower_manifest_operations_total\\{operation=\"update\",result=\"stale\"} [1-9]")
                .containsPattern("dsp_controltower_modules\\{status=\"deprecated\"} [1-9]");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
