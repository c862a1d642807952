package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void literalSecretsAreMaskedAndReferencesAndOtherFieldsStay() throws Exception {
        JsonNode manifest = JSON.readTree("""
                {"environments": {"production": {"secrets": {"groq": "gsk-literal", "nested": {"k": "v"}, "list": ["a"]},
                                                 "urls": {"llm": "https://llm"}}},
                 "modules": [{"config": {"secret_key": "literal", "api_key": "${environments.${environment}.secrets.groq}",
                                         "admin_key": "env:APISIX_KEY", "vault_token": "vault:main:kv/x#t", "max_tokens": 100,
                                         "refresh_token_enabled": true, "password_file": "", "model_name": "gpt"}}]}""");
        JsonNode masked = SecretMasking.mask(manifest);
        assertThat(masked.at("/environments/production/secrets/groq").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(masked.at("/environments/production/secrets/nested/k").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(masked.at("/environments/production/secrets/list/0").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(masked.at("/environments/production/urls/llm").asText()).isEqualTo("https://llm");
        assertThat(masked.at("/modules/0/config/secret_key").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(masked.at("/modules/0/config/api_key").asText()).startsWith("${");
        assertThat(masked.at("/modules/0/config/admin_key").asText()).isEqualTo("env:APISIX_KEY");
        assertThat(masked.at("/modules/0/config/vault_token").asText()).startsWith("vault:");
        assertThat(masked.at("/modules/0/config/max_tokens").asInt()).isEqualTo(100);
        assertThat(masked.at("/modules/0/config/refresh_token_enabled").asBoolean()).isTrue();
        assertThat(masked.at("/modules/0/config/model_name").asText()).isEqualTo("gpt");
        // the original is untouched
        assertThat(manifest.at("/modules/0/config/secret_key").asText()).isEqualTo("literal");
    }
}
