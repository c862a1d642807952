package ai.dsp.platform.controltower.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Policies as text and as JSON-like maps: YAML (the stored form; JSON is YAML too) with the
 * seed's snake_case names. Unknown fields are refused rather than ignored: a misspelt
 * {@code user_role} would otherwise quietly take everyone's access away, or leave a condition out.
 */
public final class PolicyDocuments {

    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)));
    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final Pattern JAVA_TYPE = Pattern.compile("`([^`]+)`");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private PolicyDocuments() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /**
     * The policy in {@code text} (YAML or JSON) for {@code clientId}; a {@code client_id} in the
     * text must be that id. Checked ({@link Policy#problems()}), not compiled.
     *
     * @throws InvalidPolicyException when it does not parse or is not valid
     */
    public static Policy parse(String text, String clientId) {
        if (text == null || text.isBlank()) {
            throw new InvalidPolicyException("the policy of " + clientId + " is empty");
        }
        try {
            return checked(YAML.readValue(text, Policy.class), clientId);
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException("the policy of " + clientId + " does not parse: " + describe(e));
        }
    }

    /** The same from a JSON object already parsed (a request body). */
    public static Policy fromMap(Map<String, ?> document, String clientId) {
        try {
            return checked(JSON.convertValue(document, Policy.class), clientId);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidPolicyException invalid) {
                throw invalid;
            }
            Throwable cause = e.getCause() instanceof JsonProcessingException jpe ? jpe : e;
            throw new InvalidPolicyException("the policy of " + clientId + " is not valid: "
                    + (cause instanceof JsonProcessingException jpe ? describe(jpe) : cause.getMessage()));
        }
    }

    /** The stored form. */
    public static String yaml(Policy policy) {
        try {
            return YAML.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy always serialises", e);
        }
    }

    public static String json(Policy policy) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy always serialises", e);
        }
    }

    /** The policy as JSON-like maps and lists, for an HTTP answer. */
    public static Map<String, Object> toMap(Policy policy) {
        return JSON.convertValue(policy, MAP);
    }

    private static Policy checked(Policy parsed, String clientId) {
        if (parsed == null) {
            throw new InvalidPolicyException("the policy of " + clientId + " is empty");
        }
        if (parsed.clientId() != null && !parsed.clientId().equals(clientId)) {
            throw new InvalidPolicyException("the policy names client_id " + parsed.clientId() + ", not " + clientId);
        }
        Policy policy = parsed.withClientId(clientId);
        if (!policy.problems().isEmpty()) {
            throw new InvalidPolicyException(clientId, policy.problems());
        }
        return policy;
    }

    /** Where the text is wrong, without Jackson's internals (class names, source excerpts). */
    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field " + unknown.getPropertyName() + " (known: client_id, enabled, project, description, usecases, "
                    + "resource_types, roles, role_hierarchy, user_roles, group_roles, allowed_resources, resource_id_field, "
                    + "trust_input_role, conditions, client_secret_hash, client_salt, templates)";
        }
        String message = e.getCause() instanceof IllegalArgumentException cause && cause.getMessage() != null
                ? cause.getMessage() : plainTypes(e.getOriginalMessage().lines().findFirst().orElse(""));
        String where = "";
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            where = " at " + mapping.getPath().stream()
                    .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String line = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? " (line " + e.getLocation().getLineNr() + ")" : "";
        return message + where + line;
    }

    /** {@code `java.util.ArrayList<java.lang.String>`} as the reader of a policy says it: a list. */
    private static String plainTypes(String message) {
        Matcher type = JAVA_TYPE.matcher(message);
        StringBuilder plain = new StringBuilder();
        while (type.find()) {
            String name = type.group(1);
            String said = name.contains("List") ? "a list" : name.contains("Map") ? "an object" : name.contains("String") ? "a string"
                    : name.toLowerCase(java.util.Locale.ROOT).contains("boolean") ? "true or false" : "a value of another kind";
            type.appendReplacement(plain, Matcher.quoteReplacement(said));
        }
        return type.appendTail(plain).toString();
    }
}
