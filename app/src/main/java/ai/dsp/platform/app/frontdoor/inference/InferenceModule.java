package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@code inference_endpoint} module of a project's manifest, read from its resolved config:
 * the OpenAI-compatible upstream it calls, the defaults it applies to every request, the other
 * modules it falls back to, and its call limits. {@link #toString()} leaves the API key out.
 *
 * @param project          the manifest's project id
 * @param name             the module's name
 * @param endpointUrl      the upstream's OpenAI base URL ({@code http://host/v1}); a URL already ending in
 *                         {@code /chat/completions} (as some seed manifests have) is taken as it is
 * @param modelName        the model the upstream is asked for, whatever the client named
 * @param systemPrompt     prepended as a system message to requests that have none; may be null
 * @param maxTokens        applied when the request sets neither {@code max_tokens} nor {@code max_completion_tokens}; may be null
 * @param temperature      applied when the request has none; may be null
 * @param topP             applied when the request has none; may be null
 * @param apiKey           sent as {@code Authorization: Bearer}; may be null (no header)
 * @param fallbacks        names of other inference modules of the project, tried in order
 * @param connectTimeout   {@code connect_timeout_ms}
 * @param firstByteTimeout {@code first_byte_timeout_ms}
 * @param timeout          {@code timeout_ms}: one whole call
 * @param maxRetries       {@code max_retries}
 */
public record InferenceModule(String project, String name, URI endpointUrl, String modelName, String systemPrompt,
                              Integer maxTokens, Double temperature, Double topP, String apiKey, List<String> fallbacks,
                              Duration connectTimeout, Duration firstByteTimeout, Duration timeout, int maxRetries) {

    private static final String CHAT_COMPLETIONS = "/chat/completions";

    public InferenceModule {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpointUrl, "endpointUrl");
        Objects.requireNonNull(modelName, "modelName");
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(firstByteTimeout, "firstByteTimeout");
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Reads a module's resolved {@code config}; what it leaves out comes from {@code defaults}.
     * Numbers may be JSON numbers or numeric text (what a resolved placeholder becomes).
     *
     * @throws InvalidInferenceModuleException when a required key is missing or a value cannot be used
     */
    public static InferenceModule from(String project, String name, JsonNode config, InferenceProperties defaults) {
        ConfigReader reader = new ConfigReader(project, name, config);
        return new InferenceModule(project, name,
                reader.endpointUrl(),
                reader.requiredText("model_name"),
                reader.text("system_prompt"),
                reader.integer("max_tokens", null, 1),
                reader.decimal("temperature"),
                reader.decimal("top_p"),
                reader.text("api_key"),
                reader.names("fallbacks"),
                reader.millis("connect_timeout_ms", defaults.connectTimeout()),
                reader.millis("first_byte_timeout_ms", defaults.firstByteTimeout()),
                reader.millis("timeout_ms", defaults.timeout()),
                reader.integer("max_retries", defaults.maxRetries(), 0));
    }

    /** Where chat completions are posted. */
    public URI chatCompletionsUri() {
        String url = endpointUrl.toString();
        if (url.endsWith(CHAT_COMPLETIONS)) {
            return endpointUrl;
        }
        return URI.create((url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + CHAT_COMPLETIONS);
    }

    /** The upstream as {@code host:port}: what metrics and logs name (a URL's path or query could carry ids or keys). */
    public String upstream() {
        int port = endpointUrl.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(endpointUrl.getScheme()) ? 443 : 80;
        }
        return endpointUrl.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The key of this module's circuit breaker: the endpoint URL without query or fragment, so modules sharing an upstream share it. */
    public String breakerKey() {
        return endpointUrl.getScheme().toLowerCase(Locale.ROOT) + "://" + upstream() + endpointUrl.getPath();
    }

    @Override
    public String toString() {
        return "InferenceModule[" + project + "/" + name + " -> " + upstream() + ", model " + modelName
                + (apiKey == null ? "" : ", api key set") + ", fallbacks " + fallbacks + "]";
    }

    /** Reads one module's config, naming the key (never its value) in what it refuses. */
    private record ConfigReader(String project, String name, JsonNode config) {

        URI endpointUrl() {
            String text = requiredText("endpoint_url");
            URI uri;
            try {
                uri = new URI(text.strip());
            } catch (URISyntaxException e) {
                throw invalid("endpoint_url is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw invalid("endpoint_url is not an http(s) URL with a host");
            }
            if (uri.getRawUserInfo() != null) {
                throw invalid("endpoint_url carries credentials; put the key in api_key");
            }
            return uri;
        }

        String requiredText(String key) {
            String value = text(key);
            if (value == null) {
                throw invalid(key + " is missing");
            }
            return value;
        }

        String text(String key) {
            JsonNode value = config.path(key);
            if (value.isMissingNode() || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw invalid(key + " is not a string");
            }
            return value.asText().isBlank() ? null : value.asText();
        }

        Integer integer(String key, Integer fallback, int min) {
            JsonNode value = config.path(key);
            if (value.isMissingNode() || value.isNull()) {
                return fallback;
            }
            long number;
            if (value.isIntegralNumber() && value.canConvertToInt()) {
                number = value.asInt();
            } else if (value.isTextual() && value.asText().strip().matches("-?\\d{1,9}")) {
                number = Long.parseLong(value.asText().strip());
            } else {
                throw invalid(key + " is not a whole number");
            }
            if (number < min) {
                throw invalid(key + " is below " + min);
            }
            return (int) number;
        }

        Double decimal(String key) {
            JsonNode value = config.path(key);
            if (value.isMissingNode() || value.isNull()) {
                return null;
            }
            if (value.isNumber()) {
                return value.asDouble();
            }
            if (value.isTextual()) {
                try {
                    return Double.valueOf(value.asText().strip());
                } catch (NumberFormatException e) {
                    throw invalid(key + " is not a number");
                }
            }
            throw invalid(key + " is not a number");
        }

        Duration millis(String key, Duration fallback) {
            Integer value = integer(key, null, 1);
            return value == null ? fallback : Duration.ofMillis(value);
        }

        List<String> names(String key) {
            JsonNode value = config.path(key);
            if (value.isMissingNode() || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw invalid(key + " is not a list of module names");
            }
            List<String> names = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual() || item.asText().isBlank()) {
                    throw invalid(key + " is not a list of module names");
                }
                names.add(item.asText());
            }
            return names;
        }

        private InvalidInferenceModuleException invalid(String problem) {
            return new InvalidInferenceModuleException(project, name, problem);
        }
    }
}
