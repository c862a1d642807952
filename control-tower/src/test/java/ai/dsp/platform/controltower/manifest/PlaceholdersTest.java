package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlaceholdersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Placeholders placeholders = new Placeholders(Map.of("GROQ_API_KEY", "gsk-test", "DEV_HOST", "10.0.0.5")::get);

    /** A manifest in the seed's shape: environments, the current one, and placeholders in keys and values. */
    private static JsonNode manifest() throws Exception {
        return JSON.readTree("""
                {"project_id": "demo", "environment": "development",
                 "environments": {
                   "development": {"llm": {"url": "http://${DEV_HOST}:8000", "timeout": 30}, "host": "${DEV_HOST}"},
                   "production": {"llm": {"url": "https://llm.example.com"}}},
                 "modules": [
                   {"name": "chat", "config": {
                      "endpoint": "${environments.${environment}.llm.url}/v1",
                      "prod_endpoint": "${environments.production.llm.url}",
                      "timeout": "${environments.development.llm.timeout}",
                      "api_key": "${GROQ_API_KEY}",
                      "key_ref": "env:GROQ_API_KEY",
                      "label": "chat on ${environment}",
                      "retries": 3}},
                   {"name": "gateway", "config": {"upstream": {"nodes": {"${environments.development.host}:9000": 1}}}}]}
                """);
    }

    @Test
    void resolvesTheSeedsPlaceholdersInOrderInKeysAndValues() throws Exception {
        JsonNode manifest = manifest();

        JsonNode resolved = placeholders.resolve(manifest);

        JsonNode chat = resolved.at("/modules/0/config");
        // the inserted development URL holds ${DEV_HOST}: resolved by the later step, as in the seed
        assertThat(chat.path("endpoint").asText()).isEqualTo("http://10.0.0.5:8000/v1");
        assertThat(chat.path("prod_endpoint").asText()).isEqualTo("https://llm.example.com");
        assertThat(chat.path("timeout").asText()).isEqualTo("30");
        assertThat(chat.path("api_key").asText()).isEqualTo("gsk-test");
        assertThat(chat.path("key_ref").asText()).isEqualTo("gsk-test");
        assertThat(chat.path("label").asText()).isEqualTo("chat on development");
        assertThat(chat.path("retries").asInt()).isEqualTo(3);
        assertThat(resolved.at("/modules/1/config/upstream/nodes").fieldNames()).toIterable().containsExactly("10.0.0.5:9000");
        assertThat(resolved.at("/environments/development/host").asText()).isEqualTo("10.0.0.5");
        // what was read stays as written: resolved values never reach the stored manifest
        assertThat(manifest.at("/modules/0/config/api_key").asText()).isEqualTo("${GROQ_API_KEY}");
    }

    @Test
    void everyPlaceholderThatResolvesToNothingIsListedWithItsPath() throws Exception {
        JsonNode manifest = JSON.readTree("""
                {"environment": "staging", "environments": {"development": {"url": "http://dev"}},
                 "config": {"a": "${MISSING_VAR}", "b": "${environments.development.nope}", "c": "env:ALSO_MISSING",
                            "d": "${environments.${environment}.url}", "e": "${lower.case}", "ok": "${environments.development.url}"}}
                """);

        assertThatThrownBy(() -> placeholders.resolve(manifest))
                .isInstanceOfSatisfying(UnresolvedPlaceholdersException.class, e -> assertThat(e.unresolved())
                        .extracting(UnresolvedPlaceholdersException.Unresolved::path)
                        .containsExactly("/config/a", "/config/b", "/config/c", "/config/d", "/config/e"))
                .hasMessageNotContaining("http://dev");
    }

    @Test
    void aManifestWithoutEnvironmentIsInTheSeedsDefaultOne() throws Exception {
        JsonNode manifest = JSON.readTree("""
                {"environments": {"development": {"url": "http://dev"}},
                 "config": {"env": "${environment}", "url": "${environments.${environment}.url}"}}
                """);

        JsonNode resolved = placeholders.resolve(manifest);

        assertThat(resolved.at("/config/env").asText()).isEqualTo("development");
        assertThat(resolved.at("/config/url").asText()).isEqualTo("http://dev");
    }

    @Test
    void aManifestWithoutPlaceholdersComesBackEqual() throws Exception {
        JsonNode plain = JSON.readTree("{\"project_id\": \"p\", \"modules\": [{\"name\": \"m\", \"config\": {\"k\": [1, true, null, \"x/y~z\"]}}]}");

        assertThat(placeholders.resolve(plain)).isEqualTo(plain);
    }
}
