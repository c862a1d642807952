package ai.dsp.platform.app;

import ai.dsp.platform.app.errors.ErrorPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.apache.camel.Route;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Operators edit route files on a running platform: a valid change is live within seconds, a
 * broken one changes nothing and is reported (log, event, /health, the admin API), a removal that
 * would break a required flow is refused; the admin API lists and controls every route; a start
 * without routes or without the required flows fails saying what is missing. The routes folder
 * is a symbolic link, as a Kubernetes ConfigMap mount makes it.
 */
class RouteFilesTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);

    @TempDir
    static Path work;
    static Path files;
    static AppHarness app;
    static HttpServer webhook;
    static final List<JsonNode> EVENTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        files = Files.createDirectories(work.resolve("routes-real"));
        copyShippedRoutes(files);
        Path link = Files.createSymbolicLink(work.resolve("routes"), files);
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/events", exchange -> {
            EVENTS.add(AppHarness.JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.routes.dir=" + link,
                "--dsp.routes.watch-interval=200ms", "--dsp.notify.webhook-url=http://127.0.0.1:" + webhook.getAddress().getPort() + "/events");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private static void copyShippedRoutes(Path target) throws IOException {
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }

    private static String hello(String answer, String description) {
        return """
                - rest:
                    id: hello-api
                    path: /api/v1/hello
                    get:
                      - id: hello
                        description: Say hello
                        produces: text/plain
                        bindingMode: "off"
                        to: direct:hello
                - route:
                    id: hello
                    %s
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: direct:hello
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(description == null ? "" : "description: " + description, answer);
    }

    private static String answer() {
        AppHarness.Reply reply = app.send("GET", "/api/v1/hello", null, Map.of());
        return reply.status() == 200 ? reply.body().asText() : String.valueOf(reply.status());
    }

    private static JsonNode route(String id) {
        JsonNode routes = app.get("/api/v1/admin/routes").body().path("routes");
        for (JsonNode route : routes) {
            if (route.path("id").asText().equals(id)) {
                return route;
            }
        }
        return null;
    }

    @Test
    void anEditIsLiveWithinSecondsAndABrokenOneChangesNothingButIsReported() throws IOException {
        Path file = files.resolve("hello.camel.yaml");
        Files.writeString(file, hello("hello-one", "Answers hello"));
        await().atMost(WITHIN).until(RouteFilesTest::answer, "hello-one"::equals);
        assertThat(route("hello").path("file").asText()).isEqualTo("hello.camel.yaml");

        Files.writeString(file, hello("hello-two", "Answers hello"));
        await().atMost(WITHIN).until(RouteFilesTest::answer, "hello-two"::equals);

        // no description: refused, the running version goes on answering
        Files.writeString(file, hello("hello-broken", null));
        await().atMost(WITHIN).until(() -> app.get("/api/v1/admin/routes").body().path("refused").has("hello.camel.yaml"));
        assertThat(answer()).isEqualTo("hello-two");
        JsonNode refusal = app.get("/api/v1/admin/routes").body().path("refused").path("hello.camel.yaml");
        assertThat(refusal.path("report").path("findings").toString()).contains("route hello has no description");
        JsonNode health = app.get("/health").body();
        assertThat(health.at("/routes/status").asText()).isEqualTo("DEGRADED");
        assertThat(health.at("/routes/refused/hello.camel.yaml").asText()).contains("has no description");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(EVENTS).anySatisfy(event -> {
            assertThat(event.path("type").asText()).isEqualTo("route.invalid");
            assertThat(event.path("file").asText()).isEqualTo("hello.camel.yaml");
            assertThat(event.path("reason").asText()).contains("no description");
        }));

        Files.writeString(file, hello("hello-three", "Answers hello"));
        await().atMost(WITHIN).until(RouteFilesTest::answer, "hello-three"::equals);
        assertThat(app.get("/health").body().at("/routes/status").asText()).isEqualTo("UP");
        assertThat(EVENTS).anySatisfy(event -> assertThat(event.path("type").asText()).isEqualTo("route.reloaded"));

        Files.delete(file);
        // gone: its route is no longer listed and its path is not found
        await().atMost(WITHIN).until(() -> route("hello") == null);
        assertThat(answer()).isEqualTo("404");
        assertThat(app.send("GET", "/api/v1/hello", null, Map.of()).body().path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void removingARequiredFlowIsRefusedAndIngestionGoesOn() throws IOException {
        Path pipeline = files.resolve("ingest-pipeline.camel.yaml");
        String text = Files.readString(pipeline);
        Files.delete(pipeline);
        try {
            await().atMost(WITHIN).until(() -> app.get("/api/v1/admin/routes").body().path("refused").has("ingest-pipeline.camel.yaml"));
            assertThat(app.get("/api/v1/admin/routes").body().at("/refused/ingest-pipeline.camel.yaml/report/findings").toString())
                    .contains("route ingest-document is required");
            assertThat(route("ingest-document").path("status").asText()).isEqualTo("Started");
            AppHarness.Reply uploaded = app.postJson("/api/v1/documents/text?collection=routes-test",
                    List.of(Map.of("id", "still-flowing", "content", "Ingestion goes on while a required route file is missing.")));
            assertThat(uploaded.status()).isEqualTo(202);
            await().atMost(WITHIN).until(() -> app.get("/api/v1/documents/still-flowing").body().path("status").asText(), "INDEXED"::equals);
        } finally {
            Files.writeString(pipeline, text);
        }
        await().atMost(WITHIN).until(() -> !app.get("/api/v1/admin/routes").body().path("refused").has("ingest-pipeline.camel.yaml"));
    }

    @Test
    void theAdminApiListsControlsAndValidatesRoutes() {
        JsonNode inbox = route("ingest-inbox");
        assertThat(inbox.path("file").asText()).isEqualTo("ingest-inbox.camel.yaml");
        assertThat(inbox.path("description").asText()).isNotBlank();
        assertThat(inbox.has("exchangesTotal")).isTrue();
        assertThat(inbox.has("exchangesInflight")).isTrue();

        assertThat(app.postJson("/api/v1/admin/routes/ingest-inbox/suspend", Map.of()).body().path("status").asText()).isEqualTo("Suspended");
        assertThat(app.postJson("/api/v1/admin/routes/ingest-inbox/resume", Map.of()).body().path("status").asText()).isEqualTo("Started");
        assertThat(app.postJson("/api/v1/admin/routes/no-such-route/stop", Map.of()).status()).isEqualTo(404);
        assertThat(app.postJson("/api/v1/admin/routes/ingest-inbox/explode", Map.of()).status()).isEqualTo(400);
        assertThat(app.postJson("/api/v1/admin/routes/route-admin-control/stop", Map.of()).status()).isEqualTo(400);

        AppHarness.Reply broken = app.send("POST", "/api/v1/admin/routes/validate", """
                - route:
                    id: leak
                    description: a literal broker and password
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: "kafka:docs?brokers=10.0.0.7:9092&password=hunter22"
                """, Map.of("Content-Type", "application/yaml"));
        assertThat(broken.status()).isEqualTo(200);
        assertThat(broken.body().path("valid").asBoolean()).isFalse();
        assertThat(broken.body().path("findings").toString()).contains("option brokers names a host", "option password holds a secret");
        // components are looked up on the class path one by one: one there and one not
        AppHarness.Reply components = app.send("POST", "/api/v1/admin/routes/validate", """
                - route:
                    id: components
                    description: one installed component and one that is not
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: "paho-mqtt5:{{dsp.test.topic:docs}}"
                      steps:
                        - to:
                            uri: "carrier-pigeon:loft"
                """, Map.of("Content-Type", "application/yaml"));
        assertThat(components.body().path("findings").toString()).contains("no component 'carrier-pigeon' is installed")
                .doesNotContain("no component 'paho-mqtt5'");

        AppHarness.Reply valid = app.send("POST", "/api/v1/admin/routes/validate", hello("checked", "Answers"),
                Map.of("Content-Type", "application/yaml"));
        assertThat(valid.body().path("valid").asBoolean()).as(valid.body().toString()).isTrue();
        assertThat(answer()).as("validating starts nothing").isNotEqualTo("checked");

        assertThat(app.postJson("/api/v1/admin/routes/reload", Map.of()).body().path("files")).isNotEmpty();
        assertThat(app.as(app.login(AppHarness.READER, AppHarness.READER_PASSWORD)).get("/api/v1/admin/routes").status()).isEqualTo(403);
    }

    @Test
    void aStoppedHttpRouteNoLongerAnswersWhileAnotherVerbOnItsPathGoesOnAndItAnswersAgainOnceStarted() throws IOException {
        Files.writeString(files.resolve("greeting.camel.yaml"), """
                - rest:
                    id: greeting-api
                    path: /api/v1/greeting
                    get:
                      - id: greeting-get
                        description: Read the greeting
                        produces: text/plain
                        bindingMode: "off"
                        to: direct:greeting-get
                    post:
                      - id: greeting-post
                        description: Answer a posted greeting
                        produces: text/plain
                        bindingMode: "off"
                        to: direct:greeting-post
                - route:
                    id: greeting-get
                    description: Answers the greeting
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: direct:greeting-get
                      steps:
                        - setBody:
                            constant: got
                - route:
                    id: greeting-post
                    description: Answers a posted greeting
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: direct:greeting-post
                      steps:
                        - setBody:
                            constant: posted
                """);
        await().atMost(WITHIN).until(() -> app.get("/api/v1/greeting").status() == 200);

        assertThat(app.postJson("/api/v1/admin/routes/greeting-get/stop", Map.of()).body().path("status").asText()).isEqualTo("Stopped");
        // the path is still there for POST, so GET is a method it no longer allows
        AppHarness.Reply stopped = app.get("/api/v1/greeting");
        assertThat(stopped.status()).isEqualTo(405);
        assertThat(stopped.body().path("error").asText()).as(stopped.body().toString()).isEqualTo("method_not_allowed");
        AppHarness.Reply posted = app.send("POST", "/api/v1/greeting", "hi", Map.of("Content-Type", "text/plain"));
        assertThat(posted.status()).isEqualTo(200);
        assertThat(posted.body().asText()).isEqualTo("posted");

        assertThat(app.postJson("/api/v1/admin/routes/greeting-get/start", Map.of()).body().path("status").asText()).isEqualTo("Started");
        AppHarness.Reply again = app.get("/api/v1/greeting");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().asText()).isEqualTo("got");
    }

    @Test
    void aStartWithoutRoutesOrWithoutARequiredFlowFailsSayingWhatIsMissing() throws IOException {
        Path empty = Files.createDirectories(work.resolve("no-routes"));
        assertThatThrownBy(() -> AppHarness.start(work.resolve("data-empty"), work.resolve("inbox-empty"), "--dsp.routes.dir=" + empty))
                .hasStackTraceContaining("no route files (*.camel.yaml) in " + empty.toRealPath());

        Path partial = Files.createDirectories(work.resolve("partial-routes"));
        copyShippedRoutes(partial);
        Files.delete(partial.resolve("ingest-inbox.camel.yaml"));
        assertThatThrownBy(() -> AppHarness.start(work.resolve("data-partial"), work.resolve("inbox-partial"), "--dsp.routes.dir=" + partial))
                .hasStackTraceContaining("required routes missing: ingest-inbox");
    }

    @Test
    void everyShippedRouteRunsUnderTheErrorPolicy() throws IOException {
        int routes = 0;
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                List<?> entries = new Yaml().load(Files.readString(file));
                for (Object entry : entries) {
                    if (entry instanceof Map<?, ?> map && map.get("route") instanceof Map<?, ?> route) {
                        String id = (String) route.get("id");
                        Route running = app.camel().getRoute(id);
                        assertThat(running).as(id + " of " + file + " is running").isNotNull();
                        if (running.getEndpoint().getEndpointUri().startsWith("rest:")) {
                            // REST operations are inlined into their direct: route and run under the
                            // policy's id-less twin (DocumentApiTest proves the 4xx bodies)
                            assertThat(running.getConfigurationId()).as(id).isIn(null, "<default>", ErrorPolicy.ID);
                        } else {
                            assertThat(running.getDescription()).as(id).isNotBlank();
                            assertThat(running.getConfigurationId()).as(id).isEqualTo(ErrorPolicy.ID);
                        }
                        routes++;
                    }
                }
            }
        }
        assertThat(routes).isGreaterThanOrEqualTo(10);
    }
}
