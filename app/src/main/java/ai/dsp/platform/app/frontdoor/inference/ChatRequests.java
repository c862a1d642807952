package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body sent upstream: the client's OpenAI chat request with the module's defaults applied.
 * The model is always the module's (clients name {@code project/module}, which no upstream
 * knows); the system prompt, max tokens, temperature and top_p fill in only what the client left out.
 */
final class ChatRequests {

    private ChatRequests() {
    }

    /** What is wrong with a request no upstream could answer, or null. */
    static String problem(ObjectNode request) {
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "'messages' must be a non-empty array";
        }
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isTextual()) {
                return "every message needs a 'role'";
            }
        }
        return null;
    }

    static ObjectNode withDefaults(InferenceModule module, ObjectNode request, boolean stream) {
        ObjectNode body = request.deepCopy();
        body.put("model", module.modelName());
        body.put("stream", stream);
        if (!stream) {
            body.remove("stream_options");
        }
        if (module.systemPrompt() != null && !hasSystemMessage(body.path("messages"))) {
            ArrayNode messages = body.arrayNode();
            messages.addObject().put("role", "system").put("content", module.systemPrompt());
            messages.addAll((ArrayNode) body.get("messages"));
            body.set("messages", messages);
        }
        if (module.maxTokens() != null && absent(body, "max_tokens") && absent(body, "max_completion_tokens")) {
            body.put("max_tokens", module.maxTokens());
        }
        if (module.temperature() != null && absent(body, "temperature")) {
            body.put("temperature", module.temperature());
        }
        if (module.topP() != null && absent(body, "top_p")) {
            body.put("top_p", module.topP());
        }
        return body;
    }

    /** {@code developer} is the newer OpenAI models' name for the system role. */
    private static boolean hasSystemMessage(JsonNode messages) {
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                return true;
            }
        }
        return false;
    }

    private static boolean absent(ObjectNode body, String field) {
        return !body.hasNonNull(field);
    }
}
