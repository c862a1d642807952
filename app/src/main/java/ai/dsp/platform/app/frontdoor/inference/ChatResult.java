package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The answer to a non-streamed chat completion: the upstream's {@code chat.completion} (status
 * 200), a 4xx the upstream gave for the client's request, or an OpenAI-style error
 * {@code {"error": {"message", "type", "code"}}} for what went wrong on the way (502, 503, 504,
 * 429 when the upstream kept refusing).
 *
 * @param status   the HTTP status for the client
 * @param body     the JSON body for the client
 * @param headers  headers for the client beside {@code Content-Type: application/json} (a 429's {@code Retry-After})
 * @param servedBy the name of the module that answered (the called one or a fallback); null when none did
 */
public record ChatResult(int status, JsonNode body, Map<String, String> headers, String servedBy) {

    public ChatResult {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
