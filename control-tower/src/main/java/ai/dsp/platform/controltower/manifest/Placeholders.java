package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of a manifest, resolved for a read that asks for it ({@code resolve_env=true};
 * SEED-CONTRACTS §2.5), keys as well as values (upstream {@code nodes} are keyed by host), in the
 * seed's order on each string:
 * <ol>
 *   <li>{@code env:VAR}, the whole string: the environment variable;</li>
 *   <li>{@code ${environments.${environment}.<path>}}: the manifest's current environment's value;</li>
 *   <li>{@code ${environments.<name>.<path>}}: that environment's value;</li>
 *   <li>{@code ${environment}}: the manifest's {@code environment};</li>
 *   <li>{@code ${VAR}} (upper case): the environment variable; a value inserted by an earlier step
 *       is resolved by this one too, as in the seed.</li>
 * </ol>
 * Values come out as strings, as the seed's did. Unlike the seed, a placeholder that resolves to
 * nothing (an unset variable, a path the manifest does not have, any other {@code ${...}}) is not
 * left in place: the read fails with all of them listed. The manifest given is not changed.
 */
public final class Placeholders {

    private static final Pattern ENV_REFERENCE = Pattern.compile("env:([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern CURRENT_ENVIRONMENT = Pattern.compile("\\$\\{environments\\.\\$\\{environment}\\.([A-Za-z0-9_.-]+)}");
    private static final Pattern NAMED_ENVIRONMENT = Pattern.compile("\\$\\{environments\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_.-]+)}");
    private static final Pattern ENVIRONMENT = Pattern.compile("\\$\\{environment}");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");
    /** Whatever is left: a placeholder none of the steps knows. */
    private static final Pattern ANY = Pattern.compile("\\$\\{[^}]*}");

    /** The seed's {@code ProjectManifest.environment} default. */
    static final String DEFAULT_ENVIRONMENT = "development";

    private final Function<String, String> environment;

    /** {@code environment}: the process's variables ({@code System::getenv}), or a test's. */
    public Placeholders(Function<String, String> environment) {
        this.environment = environment;
    }

    /** A resolved copy of {@code manifest}. */
    public JsonNode resolve(JsonNode manifest) {
        List<UnresolvedPlaceholdersException.Unresolved> unresolved = new ArrayList<>();
        JsonNode resolved = walk(manifest, "", new Scope(manifest), unresolved);
        if (!unresolved.isEmpty()) {
            throw new UnresolvedPlaceholdersException(unresolved);
        }
        return resolved;
    }

    /**
     * A resolved copy of one part of {@code manifest} (a module), with the manifest's
     * environments as the scope: only that part's placeholders must resolve, so a module needs
     * none of the secrets the others use. {@code path} is the part's JSON pointer, for the
     * report of what did not resolve.
     */
    public JsonNode resolvePart(JsonNode manifest, JsonNode part, String path) {
        List<UnresolvedPlaceholdersException.Unresolved> unresolved = new ArrayList<>();
        JsonNode resolved = walk(part, path, new Scope(manifest), unresolved);
        if (!unresolved.isEmpty()) {
            throw new UnresolvedPlaceholdersException(unresolved);
        }
        return resolved;
    }

    /** What the steps read from the manifest. */
    private record Scope(JsonNode manifest) {

        /** The manifest's {@code environment}; the seed's default when it names none. */
        String current() {
            JsonNode name = manifest.path("environment");
            return name.isTextual() ? name.asText() : DEFAULT_ENVIRONMENT;
        }

        JsonNode lookup(String environmentName, String path) {
            JsonNode node = manifest.path("environments").path(environmentName);
            for (String part : path.split("\\.")) {
                node = node.path(part);
            }
            return node.isMissingNode() || node.isNull() ? null : node;
        }
    }

    private JsonNode walk(JsonNode node, String path, Scope scope, List<UnresolvedPlaceholdersException.Unresolved> unresolved) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path + "/" + pointerEscape(field.getKey());
                copy.set(resolveText(field.getKey(), fieldPath, scope, unresolved), walk(field.getValue(), fieldPath, scope, unresolved));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(walk(node.get(i), path + "/" + i, scope, unresolved));
            }
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(resolveText(node.asText(), path, scope, unresolved));
        }
        return node.deepCopy();
    }

    private String resolveText(String text, String path, Scope scope, List<UnresolvedPlaceholdersException.Unresolved> unresolved) {
        Matcher reference = ENV_REFERENCE.matcher(text);
        if (reference.matches()) {
            String value = environment.apply(reference.group(1));
            if (value == null) {
                unresolved.add(new UnresolvedPlaceholdersException.Unresolved(path, text));
                return text;
            }
            return value;
        }
        if (!text.contains("${")) {
            return text;
        }
        String current = scope.current();
        String result = replace(text, CURRENT_ENVIRONMENT, m -> asText(scope.lookup(current, m.group(1))));
        result = replace(result, NAMED_ENVIRONMENT, m -> asText(scope.lookup(m.group(1), m.group(2))));
        result = replace(result, ENVIRONMENT, m -> current);
        result = replace(result, VARIABLE, m -> environment.apply(m.group(1)));
        Matcher left = ANY.matcher(result);
        while (left.find()) {
            unresolved.add(new UnresolvedPlaceholdersException.Unresolved(path, left.group()));
        }
        return result;
    }

    /** Each match replaced by its value; a match without one stays, for the final check to report. */
    private static String replace(String text, Pattern pattern, Function<Matcher, String> value) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = value.apply(matcher);
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? matcher.group() : replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String asText(JsonNode value) {
        if (value == null) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** RFC 6901: {@code ~} and {@code /} in a key. */
    private static String pointerEscape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
