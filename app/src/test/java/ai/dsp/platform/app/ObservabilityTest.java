package ai.dsp.platform.app;

import ai.dsp.platform.controltower.policy.PolicyMetrics;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.testing.PrometheusServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics, dashboards and the metrics table, against the real app and a real Prometheus (the
 * Debian package) scraping it every second on loopback: /metrics carries the Camel route metrics
 * and the domain metrics with the values the traffic implies; every Grafana panel's query parses
 * in Prometheus and the core panels return data; docs/OPERATIONS.md lists every domain metric.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityTest {

    private static final Path DASHBOARDS = AlertRulesTest.DOCKER.resolve("grafana/dashboards");
    private static final Path OPERATIONS = Path.of("docs", "OPERATIONS.md");
    private static final int DOCUMENTS = 20;
    private static final List<String> QUESTIONS = List.of("time sharing systems", "compiler optimization",
            "matrix inversion", "sorting algorithms", "programming languages");
    /** No CACM text has it: a keyword query for it finds nothing. */
    private static final String NOTHING = "xylophonequux";

    @TempDir
    static Path work;

    private static AppHarness app;
    private static PrometheusServer prometheus;
    private static int retrieveCalls;

    @BeforeAll
    static void startAppAndPrometheusAndSendTraffic() {
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.metrics.probe-interval=1s");
        prometheus = PrometheusServer.start("dsp-test", "/metrics", List.of("127.0.0.1:" + app.port));
        for (int n = 1400; n < 1400 + DOCUMENTS; n++) {
            TestFiles.drop(app.inbox, "CACM-" + n + ".html", TestFiles.cacm("CACM-" + n));
        }
        await().atMost(Duration.ofMinutes(2)).until(() ->
                app.get("/api/v1/documents?status=indexed&limit=1").body().path("total").asInt() == DOCUMENTS);
        for (String question : QUESTIONS) {
            for (String mode : List.of("hybrid", "dense", "keyword")) {
                assertThat(app.postJson("/api/v1/retrieve", Map.of("query", question, "mode", mode)).status()).isEqualTo(200);
                retrieveCalls++;
            }
            assertThat(app.postJson("/api/v1/query", Map.of("query", question)).status()).isEqualTo(200);
        }
        assertThat(app.postJson("/api/v1/retrieve", Map.of("query", NOTHING, "mode", "keyword")).status()).isEqualTo(200);
        retrieveCalls++;
        assertThat(app.postJson("/api/v1/retrieve", Map.of("query", "")).status()).isEqualTo(400);
        assertThat(app.get("/api/v1/documents/no-such-document").status()).isEqualTo(404);
        // Prometheus has scraped what the traffic left
        await().atMost(Duration.ofSeconds(30)).until(() ->
                value(prometheus.query("sum(dsp_query_duration_seconds_count{endpoint=\"retrieve\"})")) == retrieveCalls);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void metricsServesTheRouteAndDomainMetricsWithWhatTheTrafficDid() {
        HttpResponse<String> response = app.getText("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        Scrape scrape = Scrape.of(app);
        String metrics = scrape.text();
        assertThat(scrape.value("camel_exchanges_total", "routeId=\"ingest-document\"")).isEqualTo(DOCUMENTS);
        assertThat(scrape.value("camel_exchanges_inflight", "routeId=\"ingest-document\"")).isZero();
        assertThat(scrape.value("camel_route_policy_seconds_count", "routeId=\"retrieve\"")).isEqualTo(retrieveCalls + 1);
        assertThat(scrape.value("dsp_ingest_documents_total", "outcome=\"indexed\"", "source=\"inbox\"", "collection=\"default\""))
                .isEqualTo(DOCUMENTS);
        assertThat(scrape.value("dsp_ingest_chunks_total", "collection=\"default\"")).isGreaterThanOrEqualTo(DOCUMENTS);
        for (String stage : List.of("extract", "chunk", "embed", "store")) {
            assertThat(scrape.value("dsp_ingest_stage_duration_seconds_count", "stage=\"" + stage + "\"")).as(stage).isEqualTo(DOCUMENTS);
        }
        assertThat(scrape.value("dsp_embedding_texts_total", "use=\"passage\""))
                .isEqualTo(scrape.value("dsp_ingest_chunks_total", "collection=\"default\""));
        assertThat(scrape.value("dsp_query_duration_seconds_count", "endpoint=\"retrieve\"", "mode=\"dense\"")).isEqualTo(QUESTIONS.size());
        assertThat(scrape.value("dsp_query_duration_seconds_count", "endpoint=\"query\"", "mode=\"hybrid\"")).isEqualTo(QUESTIONS.size());
        // the seed's thresholds are buckets, so the alert rules can read them
        assertThat(metrics).contains("dsp_query_duration_seconds_bucket{endpoint=\"retrieve\",mode=\"keyword\",le=\"0.5\"}",
                "dsp_query_duration_seconds_bucket{endpoint=\"retrieve\",mode=\"keyword\",le=\"2.0\"}",
                "http_server_requests_seconds_bucket{");
        assertThat(scrape.value("dsp_retrieval_empty_results_total", "endpoint=\"retrieve\"", "mode=\"keyword\"")).isEqualTo(1);
        // one per dense or hybrid query, keyword queries have no dense hit; in percent, with
        // buckets that see the values (not all of them in the last one)
        assertThat(scrape.value("dsp_retrieval_top_similarity_percent_count", "mode=\"hybrid\"")).isEqualTo(2 * QUESTIONS.size());
        assertThat(scrape.value("dsp_retrieval_top_similarity_percent_max", "mode=\"dense\"")).isBetween(20.0, 100.0);
        assertThat(scrape.value("dsp_retrieval_top_similarity_percent_bucket", "mode=\"dense\"", "le=\"90.0\""))
                .isEqualTo(QUESTIONS.size());
        assertThat(scrape.value("dsp_retrieval_top_similarity_percent_bucket", "mode=\"dense\"", "le=\"30.0\""))
                .isLessThan(QUESTIONS.size());
        assertThat(scrape.value("dsp_store_up", "store=\"lucene\"")).isEqualTo(1);
        assertThat(scrape.value("camel_exchanges_total", "routeId=\"store-probe\"")).as("the probe runs every second").isPositive();
        assertThat(metrics).doesNotContain("camel_exchange_event_notifier");
        assertThat(scrape.value("http_server_requests_seconds_count", "uri=\"/api/v1/documents/{id}\"", "status=\"404\"")).isEqualTo(1);
        // bounded labels: no document id, file name or query text becomes a label value
        assertThat(metrics).doesNotContain("CACM-14", NOTHING, "time sharing", "no-such-document");
    }

    @Test
    void actuatorPrometheusServesTheSameMeters() {
        Set<String> metricsPath = Scrape.of(app).families();
        Set<String> actuator = Scrape.of(app, "/actuator/prometheus").families();

        assertThat(actuator).containsAll(metricsPath.stream().filter(name -> name.startsWith("dsp_") || name.startsWith("camel_")).toList());
    }

    @Test
    void theOperationsTableListsEveryDomainMetricOnce() throws Exception {
        List<String> rows = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `(dsp_[a-z_]+)`").matcher(Files.readString(OPERATIONS));
        while (row.find()) {
            rows.add(row.group(1));
        }
        List<String> meters = new ArrayList<>();
        // the platform's meters, and the Control Tower's, which its module names itself
        for (Class<?> names : List.of(PlatformMetrics.class, PolicyMetrics.class)) {
            for (Field field : names.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    meters.add(((String) field.get(null)).replace('.', '_'));
                }
            }
        }

        assertThat(rows).doesNotHaveDuplicates().hasSameSizeAs(meters);
        for (String meter : meters) {
            assertThat(rows).as(meter).anyMatch(name -> name.matches(Pattern.quote(meter) + "(_(total|seconds|texts|percent|records|ratio))?"));
        }
        Set<String> scraped = new TreeSet<>(Scrape.of(app).families());
        scraped.removeIf(name -> !name.startsWith("dsp_") || name.endsWith("_max"));
        assertThat(rows).as("every dsp_ family on /metrics is in the table").containsAll(scraped);
    }

    /** Last: it sends traffic of its own, which the exact counts of the other tests do not expect. */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyPanelQueryRunsInPrometheusAndTheCorePanelsHaveData() throws IOException {
        Map<String, List<String>> panels = panelQueries();
        List<String> core = Files.readAllLines(DASHBOARDS.resolve("core-panels.txt")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(panels).hasSizeGreaterThanOrEqualTo(20);
        assertThat(core).isNotEmpty();

        panels.forEach((panel, queries) -> queries.forEach(query -> {
            JsonNode answer = prometheus.query(query);
            assertThat(answer.path("status").asText()).as(panel + ": " + query + " -> " + answer).isEqualTo("success");
        }));
        for (String panel : core) {
            assertThat(panels).as("core panel " + panel + " exists").containsKey(panel);
            // a rate is above zero only while its counter grows between scrapes: queries keep
            // coming while the panels are read, as they would in production
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                app.postJson("/api/v1/retrieve", Map.of("query", QUESTIONS.get(0), "mode", "dense"));
                app.postJson("/api/v1/query", Map.of("query", QUESTIONS.get(1)));
                assertThat(panels.get(panel)).as(panel).anyMatch(query -> prometheus.query(query).path("data").path("result").size() > 0);
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardsAreProvisionedWhereComposeMountsThemAndUseTheProvisionedDatasource() throws IOException {
        Path grafana = AlertRulesTest.DOCKER.resolve("grafana");
        Map<String, Object> provider = (Map<String, Object>) ((List<Object>) AlertRulesTest.yaml(grafana.resolve("provisioning/dashboards/dsp.yml"))
                .get("providers")).get(0);
        String path = (String) ((Map<String, Object>) provider.get("options")).get("path");
        assertThat(Files.readString(AlertRulesTest.DOCKER.resolve("docker-compose.production.yml")))
                .contains("./grafana/dashboards:" + path + ":ro");
        String datasource = (String) ((Map<String, Object>) ((List<Object>) AlertRulesTest.yaml(grafana.resolve("provisioning/datasources/prometheus.yml"))
                .get("datasources")).get(0)).get("uid");

        Set<String> uids = new TreeSet<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = AppHarness.JSON.readTree(file.toFile());
                assertThat(uids.add(dashboard.path("uid").asText())).as(file + " has a uid of its own").isTrue();
                Set<String> titles = new TreeSet<>();
                for (JsonNode panel : allPanels(dashboard)) {
                    assertThat(titles.add(panel.path("title").asText())).as(file + ": " + panel.path("title")).isTrue();
                    if (panel.has("targets")) {
                        assertThat(panel.path("datasource").path("uid").asText()).as(file + ": " + panel.path("title")).isEqualTo(datasource);
                    }
                }
            }
        }
        assertThat(uids).containsExactlyInAnyOrder("dsp-overview", "dsp-ingestion", "dsp-retrieval", "dsp-front-door", "dsp-jvm");
    }

    /** Every panel ("file: title") of the provisioned dashboards with its targets' expressions, Grafana's interval filled in. */
    static Map<String, List<String>> panelQueries() throws IOException {
        Map<String, List<String>> panels = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = AppHarness.JSON.readTree(file.toFile());
                for (JsonNode panel : allPanels(dashboard)) {
                    List<String> queries = new ArrayList<>();
                    panel.path("targets").forEach(target -> queries.add(target.path("expr").asText().replace("$__rate_interval", "1m")));
                    if (!queries.isEmpty()) {
                        panels.put(file.getFileName() + ": " + panel.path("title").asText(), queries);
                    }
                }
            }
        }
        return panels;
    }

    /** Panels, including those inside collapsed rows. */
    static List<JsonNode> allPanels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add);
        }
        return all;
    }

    private static double value(JsonNode answer) {
        JsonNode result = answer.path("data").path("result");
        return result.isEmpty() ? -1 : result.get(0).path("value").get(1).asDouble();
    }
}
