package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PlaceholderChecksTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest in the development environment, with {@code values} as a free-form config section. */
    private static ManifestChecks.Report check(String values) throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"project_id": "demo", "environment": "development",
                 "environments": {"common": {"secrets": {"key": "k"}}, "development": {"urls": {"llm": "http://localhost"}}},
                 "modules": [{"config": %s}]}
                """.formatted(values));
        return PlaceholderChecks.check(manifest);
    }

    @Test
    void theFormsThePlaceholdersResolveHaveNoFindings() throws IOException {
        ManifestChecks.Report report = check("""
                {"a": "${environments.${environment}.urls.llm}/v1", "b": "${environments.common.secrets.key}",
                 "c": "on ${environment}", "d": "${GROQ_API_KEY}", "e": "env:GROQ_API_KEY", "f": "{{user_input}} and $http_x_key"}
                """);

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void aPlaceholderToAnEnvironmentTheManifestLacksPointsOutsideIt() throws IOException {
        ManifestChecks.Report report = check("{\"a\": \"${environments.production.urls.llm}\"}");

        assertThat(report.errors()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modules/0/config/a");
            assertThat(f.message()).isEqualTo("placeholder '${environments.production.urls.llm}' points outside the manifest: "
                    + "the environment 'production' is not in its environments [common, development]");
        });
    }

    @Test
    void theCurrentEnvironmentMustBeOneOfTheManifests() throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"environment": "staging", "environments": {"development": {}},
                 "modules": [{"config": {"url": "${environments.${environment}.urls.llm}"}}]}
                """);

        assertThat(PlaceholderChecks.check(manifest).errors()).extracting(ManifestChecks.Finding::message).containsExactly(
                "placeholder '${environments.${environment}.urls.llm}' points outside the manifest: "
                        + "the manifest's environment 'staging' is not in its environments [development]");
    }

    @Test
    void aPathOfAnythingButPlainNamesPointsOutsideTheManifest() throws IOException {
        ManifestChecks.Report report = check("{\"a\": \"${environments.common..secrets}\", \"b\": \"${environments.common.secrets/key}\"}");

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path).containsExactly("/modules/0/config/a", "/modules/0/config/b");
        assertThat(report.errors()).allSatisfy(f -> assertThat(f.message()).contains("points outside the manifest"));
    }

    @Test
    void placeholdersThePlatformDoesNotKnowAreErrors() throws IOException {
        ManifestChecks.Report report = check("""
                {"lower": "${groq_key}", "template": "${t.project_id}", "nested": "${environments.${ENV}.urls.llm}",
                 "no_path": "${environments.common}", "unbalanced": "Bearer ${GROQ_API_KEY"}
                """);

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/0/config/lower", "unknown placeholder '${groq_key}': the known ones are ${VAR} (upper case), "
                        + "${environment} and ${environments.<name>.<path>}"),
                tuple("/modules/0/config/template", "unknown placeholder '${t.project_id}': the known ones are ${VAR} (upper case), "
                        + "${environment} and ${environments.<name>.<path>}"),
                tuple("/modules/0/config/nested", "unknown placeholder '${environments.${ENV}.urls.llm}': the known ones are ${VAR} "
                        + "(upper case), ${environment} and ${environments.<name>.<path>}"),
                tuple("/modules/0/config/no_path", "unknown placeholder '${environments.common}': the known ones are ${VAR} (upper case), "
                        + "${environment} and ${environments.<name>.<path>}"),
                tuple("/modules/0/config/unbalanced", "unbalanced placeholder: '${' without its closing '}'"));
    }

    @Test
    void keysAreCheckedAsTheResolverResolvesThemToo() throws IOException {
        ManifestChecks.Report report = check("{\"nodes\": {\"${environments.prod.urls.host}:443\": 1}}");

        assertThat(report.errors()).extracting(ManifestChecks.Finding::path)
                .containsExactly("/modules/0/config/nodes/${environments.prod.urls.host}:443");
    }

    @Test
    void theSeedsSecretReferencesAreKeptWithAWarningThatTheyAreNotResolved() throws IOException {
        ManifestChecks.Report report = check("""
                {"a": "vault:prod-vault:secret/data/groq#api_key", "b": "config:api_keys.groq", "c": "encrypted:gAAAAAB", "d": "literal:x"}
                """);

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).extracting(ManifestChecks.Finding::path, ManifestChecks.Finding::message).containsExactly(
                tuple("/modules/0/config/a", "'vault:' reference kept as written: this platform resolves only env:VAR and ${...} placeholders"),
                tuple("/modules/0/config/b", "'config:' reference kept as written: this platform resolves only env:VAR and ${...} placeholders"),
                tuple("/modules/0/config/c", "'encrypted:' reference kept as written: this platform resolves only env:VAR and ${...} placeholders"),
                tuple("/modules/0/config/d", "'literal:' reference kept as written: this platform resolves only env:VAR and ${...} placeholders"));
        // the reference itself may be a secret (encrypted:): messages never carry it
        assertThat(report.warnings()).noneMatch(f -> f.message().contains("gAAAAAB"));
    }

    @Test
    void aPathTheEnvironmentDoesNotHaveYetIsAWarning() throws IOException {
        ManifestChecks.Report report = check("{\"a\": \"${environments.development.urls.grafana}\"}");

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).extracting(ManifestChecks.Finding::message).containsExactly(
                "placeholder '${environments.development.urls.grafana}': environments.development.urls.grafana has no value yet, "
                        + "so reading with resolve_env=true fails");
    }

    @Test
    void aManifestWithoutEnvironmentIsInTheSeedsDefaultOne() throws IOException {
        JsonNode manifest = JSON.readTree("""
                {"environments": {"development": {"urls": {"llm": "x"}}}, "modules": [{"config": {"url": "${environments.${environment}.urls.llm}"}}]}
                """);

        assertThat(PlaceholderChecks.check(manifest).errors()).isEmpty();
    }
}
