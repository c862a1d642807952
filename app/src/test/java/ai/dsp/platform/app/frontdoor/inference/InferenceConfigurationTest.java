package ai.dsp.platform.app.frontdoor.inference;

import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings bind under {@code dsp.front-door.inference} and become the defaults of the modules. */
class InferenceConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class, InferenceConfiguration.class);

    @Test
    void theSettingsAreTheDefaultsOfWhatAModuleLeavesOut() {
        runner.withPropertyValues("dsp.front-door.inference.max-retries=4", "dsp.front-door.inference.timeout=45s",
                "dsp.front-door.inference.breaker.wait-in-open=5s").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(InferenceProperties.class).breaker().waitInOpen()).isEqualTo(Duration.ofSeconds(5));
            InferenceModule module = context.getBean(InferenceClient.class).module("demo", "chat",
                    new ObjectMapper().readTree("{\"endpoint_url\": \"https://api.groq.com/openai/v1\", \"model_name\": \"m\", \"timeout_ms\": 9000}"));
            assertThat(module.maxRetries()).isEqualTo(4);
            assertThat(module.timeout()).as("the module's own value wins").isEqualTo(Duration.ofSeconds(9));
            assertThat(module.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(module.upstream()).isEqualTo("api.groq.com:443");
        });
    }

    @Test
    void settingsOutOfRangeStopTheStart() {
        runner.withPropertyValues("dsp.front-door.inference.max-retries=50").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("dsp.front-door.inference.max-retries"));
        runner.withPropertyValues("dsp.front-door.inference.first-byte-timeout=0s").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("first-byte-timeout must be positive"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(InferenceProperties.class)
    static class Settings {

        @Bean
        PlatformMetrics platformMetrics() {
            return PlatformMetrics.discarding();
        }
    }
}
