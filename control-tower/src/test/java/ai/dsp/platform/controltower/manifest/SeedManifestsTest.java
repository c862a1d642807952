package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The seed's shipped manifests (their structure, with fake secrets) under our validation: what
 * fails is exactly what is wrong in the seed's own files, nothing of their format.
 */
class SeedManifestsTest {

    static final ModuleSchemas SCHEMAS = new ModuleSchemas();
    private final ManifestValidator strict = new ManifestValidator(SCHEMAS, DependencyChecks.ERROR);
    private final ManifestValidator lenient = new ManifestValidator(SCHEMAS, DependencyChecks.WARN);

    static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = SeedManifestsTest.class.getResourceAsStream("/seed-manifests/" + name + ".json")) {
            return new ManifestJson().parse(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sas2py", "jwe_test", "langgraph-summarizer", "rag-model-server-integration", "ai-platform-with-monitoring"})
    void theSeedsFormatPassesTheSchemas(String name) throws IOException {
        // whatever else is wrong in them, no field of the seed's files has a wrong type, enum or missing requirement
        assertThat(SCHEMAS.validate(fixture(name)).errors())
                .allSatisfy(f -> assertThat(f.path()).endsWith("/module_type"));
    }

    @Test
    void sas2pyFailsOnlyOnItsStaleSimpleAuthAndItsEndpointRouteCycles() throws IOException {
        ManifestChecks.Report report = strict.validate(fixture("sas2py"));

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/6/dependencies/1", "no module named 'simple-auth' in this manifest"),
                tuple("/modules/10/dependencies/0", "no module named 'simple-auth' in this manifest"),
                tuple("/modules/11/dependencies/1", "no module named 'simple-auth' in this manifest"),
                tuple("/modules/2/dependencies", "the dependencies form a cycle: convert -> apisix-convert-route -> convert"),
                tuple("/modules/3/dependencies", "the dependencies form a cycle: test -> apisix-test-route -> test"),
                tuple("/modules/8/dependencies", "the dependencies form a cycle: convert-jwe -> apisix-convert-jwe-route -> convert-jwe"),
                tuple("/modules/10/dependencies", "the dependencies form a cycle: openai-compatible -> apisix-openai-route -> openai-compatible"));
    }

    @Test
    void inWarnModeTheStaleDependenciesAndTheCyclesAreWarnings() throws IOException {
        ManifestChecks.Report report = lenient.validate(fixture("sas2py"));

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).filteredOn(f -> f.message().contains("simple-auth")).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/6/dependencies/1", "/modules/10/dependencies/0", "/modules/11/dependencies/1");
        assertThat(report.warnings()).filteredOn(f -> f.message().startsWith("the dependencies form a cycle")).hasSize(4);
    }

    @Test
    void sas2pysLangfuseMonitoringAndEndpointDescriptionAreDeclaredFields() throws IOException {
        ManifestChecks.Report report = strict.validate(fixture("sas2py"));

        assertThat(report.warnings()).filteredOn(f -> f.message().equals(ModuleSchemas.UNKNOWN_FIELD)).isEmpty();
        // the seed's config: reference survives as written, with a warning that says we do not resolve it
        assertThat(report.warnings()).filteredOn(f -> f.path().equals("/environments/common/secrets/groq_api_key"))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("'config:'", "env:VAR", "${...}"));
    }

    @Test
    void jweTestFailsOnlyOnTheModulesItNamesButLacks() throws IOException {
        assertThat(strict.validate(fixture("jwe_test")).errors()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/3/dependencies/1", "/modules/3/dependencies/2");
        assertThat(lenient.validate(fixture("jwe_test")).valid()).isTrue();
    }

    @Test
    void langgraphSummarizerFailsOnlyOnItsEndpointRouteCycle() throws IOException {
        assertThat(strict.validate(fixture("langgraph-summarizer")).errors()).extracting(ManifestChecks.Finding::message)
                .containsExactly("the dependencies form a cycle: summarize-llm -> apisix-summarize-route -> summarize-llm");
        assertThat(lenient.validate(fixture("langgraph-summarizer")).valid()).isTrue();
    }

    @Test
    void ragModelServerIntegrationIsValidAndItsUndeclaredMonitoringFieldsAreWarnings() throws IOException {
        ManifestChecks.Report report = strict.validate(fixture("rag-model-server-integration"));

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).filteredOn(f -> f.message().equals(ModuleSchemas.UNKNOWN_FIELD)).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/4/config/prometheus_enabled", "/modules/4/config/prometheus_endpoint",
                        "/modules/4/config/grafana_enabled", "/modules/4/config/grafana_endpoint", "/modules/4/config/log_level",
                        "/modules/4/config/trace_sampling_rate", "/modules/4/config/metrics_collection_interval");
    }

    @Test
    void aiPlatformWithMonitoringFailsOnlyOnItsApisixGatewayModuleType() throws IOException {
        ManifestChecks.Report report = strict.validate(fixture("ai-platform-with-monitoring"));

        assertThat(report.errors()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modules/4/module_type");
            assertThat(f.message()).contains("unknown module_type 'apisix_gateway'");
        });
        // module-level metadata is not in the seed's model: kept, and said so
        assertThat(report.warnings()).extracting(ManifestChecks.Finding::path).contains("/modules/0/metadata", "/modules/3/metadata");
    }

    @Test
    void validationLeavesTheManifestAsWritten() throws IOException {
        for (String name : List.of("sas2py", "rag-model-server-integration", "ai-platform-with-monitoring")) {
            ObjectNode manifest = fixture(name);
            ObjectNode before = manifest.deepCopy();

            strict.validate(manifest);

            assertThat(manifest).isEqualTo(before);
        }
    }
}
