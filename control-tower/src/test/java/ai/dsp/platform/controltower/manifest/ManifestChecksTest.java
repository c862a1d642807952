package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ManifestChecksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ManifestChecks.Report check(String manifest) throws Exception {
        return ManifestChecks.check(JSON.readTree(manifest));
    }

    private static String manifest(String projectId, String modules) {
        return """
                {"project_id": "%s", "project_name": "Demo", "modules": [%s]}
                """.formatted(projectId, modules);
    }

    private static String module(String type, String name, String extra) {
        return """
                {"module_type": "%s", "name": "%s", "version": "1.0.0", "config": {}%s}
                """.formatted(type, name, extra);
    }

    @Test
    void aWellFormedManifestPassesWithoutWarnings() throws Exception {
        ManifestChecks.Report report = check(manifest("demo", module("jwt_config", "demo-auth-jwt_config", "") + ","
                + module("inference_endpoint", "demo-chat-inference_endpoint", ", \"dependencies\": [\"demo-auth-jwt_config\"]")));

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.valid()).isTrue();
    }

    @Test
    void theProjectIdMustBeSafeAndNotARootPath() throws Exception {
        assertThat(check(manifest("../etc", "")).errors()).extracting(ManifestChecks.Finding::path).containsExactly("/project_id");
        assertThat(check(manifest("Manifests", "")).errors()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("reserved"));
        assertThat(check("{\"modules\": []}").errors()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/project_id", "/project_name");
    }

    @Test
    void unknownTypesDuplicateNamesAndMissingConfigAreErrorsWithTheirPaths() throws Exception {
        ManifestChecks.Report report = check(manifest("demo", module("apisix_gateway", "demo-gw-apisix_gateway", "") + ","
                + module("rag_config", "dup", "") + "," + module("rag_config", "dup", "") + ","
                + "{\"module_type\": \"vault\", \"name\": \"demo-v-vault\"}"));

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/0/module_type", "/modules/2/name", "/modules/3/config");
        assertThat(report.errors().get(1).message()).contains("/modules/1");
        assertThat(report.warnings()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/1/name", "/modules/3/version");
    }

    @Test
    void dependenciesMustNameModulesAndFormNoCycle() throws Exception {
        ManifestChecks.Report missing = check(manifest("demo",
                module("api_gateway", "demo-gw-api_gateway", ", \"dependencies\": [\"simple-auth\"]")));
        assertThat(missing.errors()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modules/0/dependencies/0");
            assertThat(f.message()).contains("simple-auth");
        });

        ManifestChecks.Report cycle = check(manifest("demo",
                module("rag_config", "a", ", \"dependencies\": [\"b\"]") + ","
                        + module("rag_service", "b", ", \"dependencies\": [\"c\"]") + ","
                        + module("model_server", "c", ", \"dependencies\": [\"a\"]")));
        assertThat(cycle.errors()).singleElement().satisfies(f -> assertThat(f.message()).endsWith("a -> b -> c -> a"));
    }

    @Test
    void inWarnModeAMissingDependencyIsAWarningAndEveryCycleIsStillAnError() throws Exception {
        JsonNode manifest = JSON.readTree(manifest("demo",
                module("inference_endpoint", "a", ", \"dependencies\": [\"b\", \"simple-auth\"]") + ","
                        + module("api_gateway", "b", ", \"dependencies\": [\"a\"]") + ","
                        + module("inference_endpoint", "c", ", \"dependencies\": [\"d\"]") + ","
                        + module("api_gateway", "d", ", \"dependencies\": [\"c\", 7]")));

        ManifestChecks.Report report = ManifestChecks.check(manifest, DependencyChecks.WARN);

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/3/dependencies/1", "a dependency is a module name"));
        assertThat(report.warnings()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).contains(
                tuple("/modules/0/dependencies/1", "no module named 'simple-auth' in this manifest"),
                tuple("/modules/0/dependencies", "the dependencies form a cycle: a -> b -> a"),
                tuple("/modules/2/dependencies", "the dependencies form a cycle: c -> d -> c"));
    }

    @Test
    void notAnObjectIsOneError() throws Exception {
        JsonNode list = JSON.readTree("[1, 2]");
        assertThat(ManifestChecks.check(list).errors()).extracting(ManifestChecks.Finding::message).containsExactly("a manifest is a JSON object");
    }
}
