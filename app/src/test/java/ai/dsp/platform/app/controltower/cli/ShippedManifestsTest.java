package ai.dsp.platform.app.controltower.cli;

import ai.dsp.platform.controltower.manifest.ManifestChecks;
import ai.dsp.platform.controltower.manifest.ManifestValidator;
import ai.dsp.platform.controltower.manifest.Placeholders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates in manifests/templates and manifests/demo.json of this checkout (the tests run in
 * its root): each template filled in completely makes a manifest without errors or warnings, whose
 * placeholders all resolve, and whose secrets are placeholders only.
 */
class ShippedManifestsTest {

    /** The API's validator: what a push of these files would be checked with. */
    private static final ManifestValidator VALIDATOR = new ManifestValidator();


    static final Path MANIFESTS = Path.of("manifests");
    static final Path TEMPLATES = MANIFESTS.resolve("templates");
    /** A value for every variable any shipped template uses. */
    static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("project_id", "acme-search"),
            Map.entry("project_name", "Acme Search"),
            Map.entry("owner", "Search team"),
            Map.entry("environment", "production"),
            Map.entry("collection", "acme-docs"),
            Map.entry("model_name", "llama-3.1-8b-instant"),
            Map.entry("fast_model", "llama-3.1-8b-instant"),
            Map.entry("large_model", "llama-3.3-70b-versatile"),
            Map.entry("llm_base_url", "https://api.groq.com/openai/v1"),
            Map.entry("platform_url", "https://dsp.example.com"),
            Map.entry("dashboard_url", "https://grafana.example.com/d/dsp"),
            Map.entry("neo4j_uri", "bolt://neo4j.example.com:7687"));
    /** The variables a resolved manifest reads from the process environment. */
    static final Map<String, String> PROCESS_ENVIRONMENT = Map.of("LLM_API_KEY", "test-key", "NEO4J_PASSWORD", "test-password");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Za-z0-9_.${}-]+}|env:[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> SECRET_KEYS = Set.of("api_key", "secret_key", "secret", "password", "token", "client_secret",
            "encryption_key", "vault_token", "secret_id");

    static Stream<Path> templateFiles() throws IOException {
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @Test
    void thereIsATemplateForEveryModuleTypeThePlatformServes() {
        CliRun run = CliRun.of("templates", "--dir", TEMPLATES.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> names = run.outLines().stream().filter(line -> !line.startsWith(" ")).map(line -> line.split(" ")[0]).toList();
        assertThat(names).containsExactlyInAnyOrder("rag_config", "knowledge_graph", "inference_endpoint", "weighted_ensemble", "jwt_config",
                "monitoring");
        assertThat(run.out()).contains("rag_config  [rag_config]", "knowledge_graph  [rag_config]", "jwt_config  [jwt_config]", "monitoring  [monitoring]",
                "weighted_ensemble  [inference_endpoint]", "inference_endpoint  [inference_endpoint]");
    }

    @ParameterizedTest
    @MethodSource("templateFiles")
    void everyTemplateFilledInCompletelyMakesAValidManifest(Path file) throws IOException {
        Template template = Template.load(file);
        assertThat(template.description).as(file + ": description").isNotBlank();
        assertThat(template.variables).as(file + ": every variable described").allSatisfy((name, about) -> assertThat(about).as(name).isNotBlank());
        assertThat(template.variables.keySet()).as(file + ": variables").contains("project_id").isSubsetOf(EXAMPLES.keySet());
        assertThat(Json.MAPPER.readTree(file.toFile()).path(Template.METADATA).path("variables").size())
                .as(file + ": no described variable is unused").isEqualTo(template.variables.size());

        List<String> args = new ArrayList<>(List.of("new", "--template", file.toString()));
        template.variables.keySet().forEach(name -> args.addAll(List.of("--set", name + "=" + EXAMPLES.get(name))));
        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no warnings").isEmpty();
        JsonNode manifest = Json.MAPPER.readTree(run.out());
        ManifestChecks.Report report = VALIDATOR.validate(manifest);
        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(run.out()).doesNotContain("${t.").doesNotContain(Template.METADATA);
        assertThat(manifest.path("project_id").asText()).isEqualTo("acme-search");
        assertSeedShape(manifest);
    }

    @Test
    void theDemoManifestIsValidWithTheModulesItShows() throws IOException {
        Path demo = MANIFESTS.resolve("demo.json");
        JsonNode manifest = Json.MAPPER.readTree(demo.toFile());

        ManifestChecks.Report report = VALIDATOR.validate(manifest);
        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        CliRun run = CliRun.of("validate", demo.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(demo + ": valid");

        assertThat(manifest.path("project_id").asText()).isEqualTo("demo");
        Map<String, JsonNode> modules = new LinkedHashMap<>();
        manifest.path("modules").forEach(module -> modules.put(module.path("name").asText(), module));
        assertThat(modules.keySet()).containsExactlyInAnyOrder("demo-auth-jwt_config", "demo-docs-rag_config",
                "demo-chat-fast-inference_endpoint", "demo-chat-large-inference_endpoint", "demo-chat-ensemble-inference_endpoint");
        modules.values().forEach(module -> {
            assertThat(module.path("version").asText()).as(module.path("name").asText()).isNotBlank();
            assertThat(module.path("description").asText()).as(module.path("name").asText()).isNotBlank();
        });
        assertThat(modules.get("demo-docs-rag_config").at("/config/embedding_model").asText()).isEqualTo("all-MiniLM-L6-v2");
        assertThat(modules.get("demo-docs-rag_config").at("/config/vector_store_type").asText()).isEqualTo("lucene");
        JsonNode ensemble = modules.get("demo-chat-ensemble-inference_endpoint");
        assertThat(ensemble.at("/config/strategy").asText()).isEqualTo("weighted_ensemble");
        assertThat(ensemble.at("/config/aggregation").asText()).isEqualTo("vote_and_score");
        List<String> members = new ArrayList<>();
        ensemble.at("/config/models").forEach(member -> {
            members.add(member.path("name").asText());
            assertThat(member.path("weight").isNumber()).isTrue();
        });
        assertThat(members).containsExactly("demo-chat-fast-inference_endpoint", "demo-chat-large-inference_endpoint");
        List<String> dependencies = new ArrayList<>();
        ensemble.path("dependencies").forEach(name -> dependencies.add(name.asText()));
        assertThat(dependencies).containsExactlyInAnyOrderElementsOf(members);
        for (String member : members) {
            assertThat(modules.get(member).at("/config/endpoint_url").asText()).startsWith("${environments.");
        }
        assertSeedShape(manifest);
    }

    /** The seed's environments blocks, placeholders that all resolve, and no secret written out. */
    private static void assertSeedShape(JsonNode manifest) {
        for (String environment : List.of("common", "development", "staging", "production")) {
            assertThat(manifest.at("/environments/" + environment + "/secrets").isObject()).as(environment + " secrets").isTrue();
            assertThat(manifest.at("/environments/" + environment + "/urls").isObject()).as(environment + " urls").isTrue();
        }
        for (String environment : List.of("development", "staging", "production")) {
            ObjectNode copy = manifest.deepCopy();
            copy.put("environment", environment);
            JsonNode resolved = new Placeholders(PROCESS_ENVIRONMENT::get).resolve(copy);
            assertThat(resolved.toString()).as(environment).doesNotContain("${");
        }
        List<String> secrets = new ArrayList<>();
        collectSecrets(manifest, "", false, secrets);
        assertThat(secrets).as("secret values that are not placeholders").isEmpty();
    }

    private static void collectSecrets(JsonNode node, String path, boolean secret, List<String> offending) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                boolean secretField = secret || "secrets".equals(field.getKey()) || SECRET_KEYS.contains(field.getKey());
                collectSecrets(field.getValue(), path + "/" + field.getKey(), secretField, offending);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSecrets(node.get(i), path + "/" + i, secret, offending);
            }
        } else if (secret && !(node.isTextual() && PLACEHOLDER.matcher(node.asText()).matches())) {
            offending.add(path + " = " + node);
        }
    }
}
