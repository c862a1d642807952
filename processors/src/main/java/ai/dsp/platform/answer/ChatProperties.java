package ai.dsp.platform.answer;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The OpenAI-compatible chat endpoint that writes answers ({@code dsp.answer.llm.*}). Leaving
 * {@code base-url} empty keeps the platform on the extractive answerer.
 *
 * @param baseUrl        the API root including its version segment, e.g. {@code https://api.openai.com/v1}
 *                       or {@code http://localhost:11434/v1}; {@code /chat/completions} is appended
 * @param model          the model name sent with every request, and the answer's {@code generator}
 * @param apiKey         sent as a bearer token; may be empty for local servers; never logged
 * @param temperature    0 keeps answers as close to the sources as the model allows
 * @param maxTokens      the most tokens one answer may use
 * @param timeout        for connecting, for the whole (non-streamed) response, and the longest a
 *                       streamed answer may go without a word
 * @param promptTemplate path of the prompt file, relative to the working directory
 */
@ConfigurationProperties("dsp.answer.llm")
@Validated
public record ChatProperties(
        String baseUrl,
        String model,
        String apiKey,
        @DefaultValue("0.0") @DecimalMin("0.0") @DecimalMax("2.0") double temperature,
        @DefaultValue("512") @Positive int maxTokens,
        @DefaultValue("60s") @NotNull Duration timeout,
        @DefaultValue(DEFAULT_PROMPT_TEMPLATE) @NotBlank String promptTemplate) {

    public static final String DEFAULT_PROMPT_TEMPLATE = "config/prompts/rag-answer.txt";
    public static final double DEFAULT_TEMPERATURE = 0.0;
    public static final int DEFAULT_MAX_TOKENS = 512;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** An endpoint with every other setting at its default, for wiring outside Spring. */
    public static ChatProperties of(String baseUrl, String model, String apiKey) {
        return new ChatProperties(baseUrl, model, apiKey, DEFAULT_TEMPERATURE, DEFAULT_MAX_TOKENS,
                DEFAULT_TIMEOUT, DEFAULT_PROMPT_TEMPLATE);
    }

    public ChatProperties withPromptTemplate(String path) {
        return new ChatProperties(baseUrl, model, apiKey, temperature, maxTokens, timeout, path);
    }

    public ChatProperties withTimeout(Duration newTimeout) {
        return new ChatProperties(baseUrl, model, apiKey, temperature, maxTokens, newTimeout, promptTemplate);
    }

    /** Masks the key, so logging the configuration (Spring does on binding errors) cannot leak it. */
    @Override
    public String toString() {
        return "ChatProperties[baseUrl=" + baseUrl + ", model=" + model
                + ", apiKey=" + (apiKey == null || apiKey.isEmpty() ? "<none>" : "****")
                + ", temperature=" + temperature + ", maxTokens=" + maxTokens
                + ", timeout=" + timeout + ", promptTemplate=" + promptTemplate + "]";
    }
}
