package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A manifest as a reader without the resolve permission sees it: every literal value under a
 * {@code secrets} block and of a field whose name says it holds a secret (the seed's
 * {@code secret_key}, {@code api_key}, {@code admin_key}, {@code vault_token}, ...) becomes
 * {@value #MASK}. References ({@code ${...}}, {@code env:VAR}, {@code vault:...}) are not
 * secrets and stay, so the reader can see where a value comes from.
 */
public final class SecretMasking {

    public static final String MASK = "********";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(^|_)(secret|password|passwd|token|api_key|apikey|admin_key|private_key|encryption_key|credentials?|role_id|secret_id)($|_)");
    /** Names that match the pattern but name no secret. */
    private static final Set<String> NOT_SECRET = Set.of("token_type", "token_endpoint", "max_tokens", "tokens", "public_key",
            "refresh_token_enabled", "jwt_secret_source");
    private static final Pattern REFERENCE = Pattern.compile("^(\\$\\{.+}|env:[A-Za-z_][A-Za-z0-9_]*|vault:.+|config:.+)$");

    private SecretMasking() {
    }

    /** A masked copy; {@code manifest} is not changed. */
    public static JsonNode mask(JsonNode manifest) {
        JsonNode copy = manifest.deepCopy();
        walk(copy, false);
        return copy;
    }

    private static void walk(JsonNode node, boolean secret) {
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            object.fields().forEachRemaining(fields::add);
            for (Map.Entry<String, JsonNode> field : fields) {
                boolean secretField = secret || isSecretName(field.getKey());
                if (field.getValue().isValueNode()) {
                    if (secretField && masks(field.getValue())) {
                        object.put(field.getKey(), MASK);
                    }
                } else {
                    walk(field.getValue(), secretField);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isValueNode()) {
                    if (secret && masks(array.get(i))) {
                        array.set(i, array.textNode(MASK));
                    }
                } else {
                    walk(array.get(i), secret);
                }
            }
        }
    }

    static boolean isSecretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("secrets") || !NOT_SECRET.contains(lower) && SECRET_NAME.matcher(lower).find();
    }

    private static boolean masks(JsonNode value) {
        if (value.isNull() || value.isBoolean()) {
            return false;
        }
        return !(value.isTextual() && (value.asText().isEmpty() || REFERENCE.matcher(value.asText()).matches()));
    }
}
