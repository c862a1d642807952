package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class ManifestValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManifestValidator validator = new ManifestValidator(SeedManifestsTest.SCHEMAS, DependencyChecks.ERROR);

    /** A manifest with one module of {@code type} whose config is {@code config}; name and version as the checks like them. */
    private static JsonNode manifest(String type, String config) throws IOException {
        return JSON.readTree("""
                {"project_id": "demo", "project_name": "Demo", "environment": "dev",
                 "environments": {"dev": {"urls": {"llm": "http://localhost:8000"}, "limits": {"tokens": 512}}},
                 "modules": [{"module_type": "%s", "name": "demo-m-%s", "version": "1.0.0", "config": %s}]}
                """.formatted(type, type, config));
    }

    private ManifestChecks.Report validate(String type, String config) throws IOException {
        return validator.validate(manifest(type, config));
    }

    @Test
    void aWellFormedModuleHasNoFindings() throws IOException {
        ManifestChecks.Report report = validate("inference_endpoint", """
                {"model_name": "llama", "endpoint_url": "${environments.${environment}.urls.llm}/v1", "max_tokens": 1024, "temperature": 0.3}
                """);

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void anInferenceModulesFallbacksAndCallLimitsAreKnownKeys() throws IOException {
        ManifestChecks.Report fine = validate("inference_endpoint", """
                {"model_name": "llama", "endpoint_url": "http://llm/v1", "fallbacks": ["demo-backup"], "connect_timeout_ms": 2000,
                 "first_byte_timeout_ms": "${environments.${environment}.limits.first_byte}", "timeout_ms": 60000, "max_retries": 1}
                """);
        ManifestChecks.Report wrong = validate("inference_endpoint", "{\"timeout_ms\": \"soon\", \"max_retries\": 1.5}");

        assertThat(fine.errors()).isEmpty();
        assertThat(wrong.errors()).extracting(ManifestChecks.Finding::path)
                .containsExactlyInAnyOrder("/modules/0/config/max_retries", "/modules/0/config/timeout_ms");
    }

    @Test
    void anUnknownModuleTypeIsAnErrorAndItsConfigIsNotJudged() throws IOException {
        ManifestChecks.Report report = validate("apisix_gateway", "{\"max_tokens\": \"a lot\"}");

        assertThat(report.errors()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modules/0/module_type");
            assertThat(f.message()).contains("unknown module_type 'apisix_gateway'");
        });
    }

    @Test
    void aWrongTypeIsAnErrorAtItsPointerAndTheValueIsNotQuoted() throws IOException {
        ManifestChecks.Report report = validate("inference_endpoint", "{\"max_tokens\": \"a lot\", \"top_p\": true}");

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/0/config/max_tokens", "must be an integer or null (or a ${...} placeholder), not a string"),
                tuple("/modules/0/config/top_p", "must be a number or null (or a ${...} placeholder), not a boolean"));
        assertThat(report.errors()).noneMatch(f -> f.message().contains("a lot"));
    }

    @Test
    void aStatusOutsideTheSeedsEnumIsAnError() throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"project_id": "demo", "project_name": "Demo",
                 "modules": [{"module_type": "security", "name": "demo-s-security", "version": "1", "status": "on", "config": {}}]}
                """);

        assertThat(validator.validate(manifest).errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message)
                .containsExactly(tuple("/modules/0/status", "must be one of \"enabled\", \"disabled\", \"deprecated\", \"development\""));
    }

    @Test
    void aMissingRequiredFieldIsAnErrorAtTheFieldsPointer() throws IOException {
        ManifestChecks.Report report = validate("rag_config", "{\"embedding_model\": \"bge-small\", \"chunk_size\": 512}");

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message)
                .containsExactly(tuple("/modules/0/config/vector_store_type", "'vector_store_type' is required"));
    }

    @Test
    void unknownFieldsAreWarningsAndTheManifestStaysValid() throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"project_id": "demo", "project_name": "Demo", "team": ["a@example.com"],
                 "modules": [{"module_type": "rag_config", "name": "demo-r-rag_config", "version": "1", "environment_overrides": {},
                              "config": {"vector_store_type": "faiss", "embedding_model": "bge", "colour": "red",
                                         "service_url": "http://rag:8080", "configuration_name": "kb", "top_k": 5}}]}
                """);

        ManifestChecks.Report report = validator.validate(manifest);

        assertThat(report.valid()).isTrue();
        // Manifestor's rag_config extras (service_url, configuration_name, top_k) are declared: no warning for them
        assertThat(report.warnings()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactlyInAnyOrder(
                tuple("/team", "unknown field, kept as written"),
                tuple("/modules/0/environment_overrides", "unknown field, kept as written"),
                tuple("/modules/0/config/colour", "unknown field, kept as written"));
    }

    @Test
    void placeholdersAreAcceptedWhereTheSeedExpectsNumbersAndFlags() throws IOException {
        ManifestChecks.Report report = validate("rag_service", """
                {"service_url": "http://rag:8080", "configuration_name": "kb", "default_k": "${environments.dev.limits.tokens}",
                 "default_similarity_threshold": "${SIMILARITY}", "use_reranking": "env:USE_RERANKING", "request_timeout": 30}
                """);

        assertThat(report.errors()).isEmpty();
    }

    @Test
    void aStringThatIsNotOnePlaceholderIsNotANumber() throws IOException {
        ManifestChecks.Report report = validate("rag_service", """
                {"service_url": "http://rag:8080", "configuration_name": "kb", "default_k": "ten ${K}", "request_timeout": "30"}
                """);

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/0/config/default_k", "/modules/0/config/request_timeout");
    }

    @Test
    void aPlaceholderToAnEnvironmentTheManifestLacksFailsTheValidation() throws IOException {
        ManifestChecks.Report report = validate("inference_endpoint", "{\"endpoint_url\": \"${environments.production.urls.llm}\"}");

        assertThat(report.errors()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modules/0/config/endpoint_url");
            assertThat(f.message()).contains("points outside the manifest", "'production'");
        });
    }

    @Test
    void optionalFieldsMayBeNullAsTheSeedWritesThemButOthersMayNot() throws IOException {
        // the seed re-serialised every model: its saved files hold null for each optional field it had not set
        assertThat(validate("jwt_config", "{\"secret_key\": null, \"issuer\": null, \"claims\": null, \"jwe_config\": null}").errors())
                .isEmpty();
        assertThat(validate("jwt_config", "{\"algorithm\": null}").errors()).extracting(ManifestChecks.Finding::message)
                .containsExactly("must be string, not null");
    }

    @Test
    void vaultInstancesHaveTheSeedsAuthMethodsAndKvVersions() throws IOException {
        ManifestChecks.Report report = validate("vault", """
                {"vault_instances": [
                  {"instance_name": "a", "vault_url": "https://vault:8200", "auth_method": "kerberos", "kv_version": 3},
                  {"instance_name": "b", "vault_url": "https://vault:8200", "auth_method": "approle", "kv_version": "${KV_VERSION}"},
                  {"vault_url": "https://vault:8200", "kv_version": 1}]}
                """);

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/0/config/vault_instances/0/auth_method", "must be one of \"token\", \"approle\""),
                tuple("/modules/0/config/vault_instances/0/kv_version", "must be one of 1, 2"),
                tuple("/modules/0/config/vault_instances/2/instance_name", "'instance_name' is required"));
    }

    @Test
    void apisixRoutePluginsAreAnObjectOrAListOfPlugins() throws IOException {
        ManifestChecks.Report report = validate("api_gateway", """
                {"gateway_type": "apisix", "routes": [
                  {"name": "a", "uri": "/a", "plugins": {"jwt-auth": {}, "limit-req": {"rate": 100}},
                   "upstream": {"type": "roundrobin", "nodes": {"${environments.dev.urls.llm}": 1}, "scheme": "https"}},
                  {"name": "b", "uri": "/b", "plugins": [{"name": "jwt-auth", "enabled": true, "config": {}}, {"name": "cors", "enabled": "yes"}]},
                  {"name": "c", "uri": "/c", "plugins": "jwt-auth"}],
                 "upstreams": [{"name": "llm", "nodes": {"llm:8000": "heavy"}}]}
                """);

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path).containsExactly(
                "/modules/0/config/routes/1/plugins/1/enabled",
                "/modules/0/config/routes/2/plugins",
                "/modules/0/config/upstreams/0/nodes/llm:8000");
        // the seed types an inline upstream as a free-form object: APISIX's other upstream keys are not unknown fields
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void anApiGatewayHasTwoShapesAndTheOtherShapesFieldsAreUnknown() throws IOException {
        ManifestChecks.Report generic = validate("api_gateway", "{\"rate_limiting\": {\"requests_per_minute\": 100}, \"routes\": []}");
        ManifestChecks.Report apisix = validate("api_gateway", "{\"gateway_type\": \"apisix\", \"rate_limiting\": {}, \"default_timeout\": \"slow\"}");

        assertThat(generic.errors()).isEmpty();
        assertThat(generic.warnings()).extracting(ManifestChecks.Finding::path).containsExactly("/modules/0/config/routes");
        assertThat(apisix.errors()).extracting(ManifestChecks.Finding::path).containsExactly("/modules/0/config/default_timeout");
        assertThat(apisix.warnings()).extracting(ManifestChecks.Finding::path).containsExactly("/modules/0/config/rate_limiting");
    }

    @Test
    void whatTheStructuralChecksFindIsToldOnceInTheirWords() throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"project_id": "demo", "modules": [{"module_type": "security", "name": "demo-s-security", "version": "1"}]}
                """);

        assertThat(validator.validate(manifest).errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message)
                .containsExactly(tuple("/project_name", "project_name is required"),
                        tuple("/modules/0/config", "config is required: an object"));
    }

    @Test
    void dependencyChecksAreWarningsInWarnModeButCyclesStayErrors() throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"project_id": "demo", "project_name": "Demo", "modules": [
                  {"module_type": "security", "name": "demo-a-security", "version": "1", "dependencies": ["demo-b-security", "simple-auth"], "config": {}},
                  {"module_type": "security", "name": "demo-b-security", "version": "1", "dependencies": ["demo-a-security"], "config": {}}]}
                """);

        ManifestChecks.Report strict = validator.validate(manifest);
        ManifestChecks.Report lenient = new ManifestValidator(SeedManifestsTest.SCHEMAS, DependencyChecks.WARN).validate(manifest);

        assertThat(strict.errors()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/0/dependencies/1", "/modules/0/dependencies");
        assertThat(lenient.errors()).isEmpty();
        assertThat(lenient.warnings()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/0/dependencies/1", "no module named 'simple-auth' in this manifest"),
                tuple("/modules/0/dependencies", "the dependencies form a cycle: demo-a-security -> demo-b-security -> demo-a-security"));
    }

    @Test
    void aFailedValidationBecomesA400CarryingItsFindings() throws IOException {
        ManifestChecks.Report report = validate("inference_endpoint", "{\"max_tokens\": \"a lot\", \"colour\": \"red\"}");

        InvalidManifestException invalid = InvalidManifestException.invalid(report);

        assertThat(invalid.kind()).isEqualTo(InvalidManifestException.Kind.INVALID);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.findings()).isEqualTo(report.errors());
        assertThat(invalid.warnings()).isEqualTo(report.warnings()).isNotEmpty();
        assertThat(invalid.getMessage()).isEqualTo("invalid manifest: /modules/0/config/max_tokens: "
                + "must be an integer or null (or a ${...} placeholder), not a string");
        assertThatThrownBy(() -> InvalidManifestException.invalid(validate("security", "{}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSchemasInjectNoDefaults() throws IOException {
        // a stored manifest holds what was written: the schemas must not carry defaults a validator could fill in
        for (String type : ManifestChecks.MODULE_TYPES) {
            assertThat(resource(type + ".schema.json")).doesNotContain("\"default\"");
        }
        assertThat(resource("manifest.schema.json")).doesNotContain("\"default\"");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ManifestValidatorTest.class.getResourceAsStream("/controltower/schemas/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
