package ai.dsp.platform.app.routes;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The conventions a route file is held to before it may run, each with a finding that says what to change. */
class RouteRulesTest {

    private static final Set<String> COMPONENTS = Set.of("direct", "kafka", "file", "platform-http", "rest", "bean", "log", "http");

    /** The platform as a test sees it: the components above, placeholders starting with dsp. set, one route file beside. */
    private static final RouteRules.Context PLATFORM = new RouteRules.Context() {
        @Override
        public boolean componentInstalled(String scheme) {
            return COMPONENTS.contains(scheme);
        }

        @Override
        public boolean placeholderResolves(String key) {
            return key.startsWith("dsp.");
        }

        @Override
        public boolean routeIdTakenElsewhere(String id) {
            return id.equals("ingest-document");
        }

        @Override
        public boolean directServedElsewhere(String name) {
            return name.equals("ingest-document");
        }
    };

    private static RouteReport check(String yaml) {
        return new RouteRules(PLATFORM).check("test.camel.yaml", yaml);
    }

    private static final String GOOD = """
            - rest:
                id: hello-api
                path: /api/v1/hello
                get:
                  - id: hello
                    path: /
                    description: Say hello
                    to: direct:hello
            - route:
                id: hello
                description: Answers hello
                routeConfigurationId: dsp-error-policy
                from:
                  uri: direct:hello
                  steps:
                    - setBody:
                        constant: hello
                    - to:
                        uri: direct:ingest-document
            - route:
                id: feed
                description: Documents from a topic
                routeConfigurationId: dsp-error-policy
                autoStartup: "{{dsp.kafka.enabled:false}}"
                from:
                  uri: "kafka:{{dsp.kafka.documents-topic}}"
                  parameters:
                    brokers: "{{dsp.kafka.brokers}}"
                  steps:
                    - to: direct:hello
            """;

    @Test
    void aFileThatKeepsTheConventionsPassesWithItsIdsAndEndpoints() {
        RouteReport report = check(GOOD);
        assertThat(report.findings()).isEmpty();
        assertThat(report.valid()).isTrue();
        assertThat(report.routeIds()).containsExactlyInAnyOrder("hello", "feed");
        assertThat(report.directEndpoints()).containsExactly("hello");
        assertThat(report.directTargets()).containsExactlyInAnyOrder("hello", "ingest-document");
    }

    @Test
    void everyShippedRouteFilePasses() throws IOException {
        RouteRules.Context shipped = new RouteRules.Context() {
            @Override
            public boolean componentInstalled(String scheme) {
                return true;
            }

            @Override
            public boolean placeholderResolves(String key) {
                return true;
            }

            @Override
            public boolean routeIdTakenElsewhere(String id) {
                return false;
            }

            @Override
            public boolean directServedElsewhere(String name) {
                return true;
            }
        };
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(RouteFiles.SUFFIX)).toList()) {
                assertThat(new RouteRules(shipped).check(file.getFileName().toString(), Files.readString(file)).findings())
                        .as(file.toString()).isEmpty();
            }
        }
    }

    @Test
    void aBrokenFileGetsAFindingForEachRuleItBreaks() {
        RouteReport report = check("""
                - route:
                    id: hello
                    from:
                      uri: "kafka:docs?brokers=broker-1.internal:9092&password=hunter22"
                      steps:
                        - setBody:
                            groovy: "request.body.reverse()"
                        - to:
                            uri: "http://api.example.com/hook"
                        - to:
                            uri: direct:nowhere
                        - to:
                            uri: "ftp-lite:upload"
                        - setHeader:
                            name: x
                            simple: "{{no.such.setting}}"
                - route:
                    id: hello
                    description: the same id again
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: direct:other
                - route:
                    id: ingest-document
                    description: taken by another file
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: direct:mine
                - beans:
                    - name: evil
                      type: java.lang.Object
                """);
        assertThat(report.valid()).isFalse();
        assertThat(report.findings()).extracting(RouteReport.Finding::message).contains(
                "route hello has no description",
                "route hello has no routeConfigurationId: dsp-error-policy (the one error policy)",
                "the scripting language groovy is not allowed: put the logic in a bean",
                "endpoint kafka:docs?brokers=broker-1.internal:9092&password=hunter22: option brokers names a host or port: use a {{placeholder}}",
                "endpoint kafka:docs?brokers=broker-1.internal:9092&password=hunter22: option password holds a secret:"
                        + " use a {{placeholder}} set from the environment",
                "endpoint http://api.example.com/hook names the host api.example.com: use a {{placeholder}}",
                "direct:nowhere is sent to, but no route consumes from it",
                "endpoint ftp-lite:upload: no component 'ftp-lite' is installed",
                "the placeholder {{no.such.setting}} has no value",
                "the id hello is used twice in this file",
                "the id ingest-document is already a route of another file",
                "'beans' entries are not allowed in route files: only route and rest (beans are Java components)");
    }

    @Test
    void textThatIsNotARouteListIsRefusedWithoutAStackTrace() {
        assertThat(check("- route: [unclosed").findings()).singleElement().satisfies(finding ->
                assertThat(finding.message()).startsWith("the file is not YAML:"));
        assertThat(check("route: {id: x}").findings()).extracting(RouteReport.Finding::message)
                .containsExactly("a route file is a YAML list of route and rest entries");
    }

    @Test
    void aScriptingLanguageIsRefusedInEitherForm() {
        RouteReport report = check("""
                - route:
                    id: script
                    description: a language block
                    routeConfigurationId: dsp-error-policy
                    from:
                      uri: direct:script
                      steps:
                        - filter:
                            expression:
                              language:
                                language: js
                                expression: "true"
                """);
        assertThat(report.findings()).extracting(RouteReport.Finding::message)
                .containsExactly("the scripting language js is not allowed: put the logic in a bean");
    }
}
