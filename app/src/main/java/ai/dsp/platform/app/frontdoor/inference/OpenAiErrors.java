package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Error bodies in the OpenAI shape, {@code {"error": {"message", "type", "code"}}}, which OpenAI clients read. */
final class OpenAiErrors {

    private OpenAiErrors() {
    }

    static ObjectNode body(String message, String type, String code) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error").put("message", message).put("type", type).put("code", code);
        return body;
    }
}
