package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The placeholders of a manifest, checked when it is written so that a read with resolution
 * cannot fail on something the writer could have been told: every {@code ${...}} in keys and
 * values must be a form {@link Placeholders} resolves, naming an environment the manifest has,
 * along a path of plain names. The seed's secret references ({@code vault:}, {@code config:},
 * {@code encrypted:}, {@code literal:}) are kept but not resolved here: a warning says so. A
 * path the named environment lacks is a warning (the value may be added before the read).
 */
final class PlaceholderChecks {

    private static final Pattern VARIABLE = Pattern.compile("[A-Z_][A-Z0-9_]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final List<String> SECRET_REFERENCES = List.of("vault:", "config:", "encrypted:", "literal:");
    private static final String CURRENT = "${environment}";
    private static final int QUOTED_LENGTH = 100;

    private final JsonNode environments;
    private final String currentEnvironment;
    private final List<ManifestChecks.Finding> errors = new ArrayList<>();
    private final List<ManifestChecks.Finding> warnings = new ArrayList<>();

    private PlaceholderChecks(JsonNode manifest) {
        this.environments = manifest.path("environments");
        JsonNode environment = manifest.path("environment");
        this.currentEnvironment = environment.isTextual() ? environment.asText() : Placeholders.DEFAULT_ENVIRONMENT;
    }

    static ManifestChecks.Report check(JsonNode manifest) {
        PlaceholderChecks checks = new PlaceholderChecks(manifest);
        checks.walk(manifest, "");
        return new ManifestChecks.Report(List.copyOf(checks.errors), List.copyOf(checks.warnings));
    }

    private void walk(JsonNode node, String path) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                // keys too: upstream nodes are keyed by placeholders, and the resolver resolves keys
                text(field.getKey(), fieldPath);
                walk(field.getValue(), fieldPath);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i);
            }
        } else if (node.isTextual()) {
            text(node.asText(), path);
        }
    }

    private void text(String text, String path) {
        for (String prefix : SECRET_REFERENCES) {
            if (text.startsWith(prefix)) {
                warnings.add(new ManifestChecks.Finding(path, "'" + prefix + "' reference kept as written: this platform resolves only "
                        + "env:VAR and ${...} placeholders"));
            }
        }
        int start = text.indexOf("${");
        while (start >= 0) {
            int end = closing(text, start);
            if (end < 0) {
                errors.add(new ManifestChecks.Finding(path, "unbalanced placeholder: '${' without its closing '}'"));
                return;
            }
            placeholder(text.substring(start, end + 1), path);
            start = text.indexOf("${", end + 1);
        }
    }

    /** The index of the '}' closing the '${' at {@code start}, nested braces counted; -1 if there is none. */
    private static int closing(String text, int start) {
        int depth = 0;
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private void placeholder(String token, String path) {
        String inner = token.substring(2, token.length() - 1);
        if (inner.equals("environment") || VARIABLE.matcher(inner).matches()) {
            return;
        }
        if (!inner.startsWith("environments.")) {
            unknown(token, path);
            return;
        }
        String rest = inner.substring("environments.".length());
        boolean current = rest.startsWith(CURRENT + ".");
        int dot = current ? CURRENT.length() : rest.indexOf('.');
        if (dot < 0 || (!current && rest.startsWith("${"))) {
            unknown(token, path);
            return;
        }
        String environment = current ? currentEnvironment : rest.substring(0, dot);
        String valuePath = rest.substring(dot + 1);
        if ((!current && !NAME.matcher(environment).matches()) || !plainPath(valuePath)) {
            errors.add(new ManifestChecks.Finding(path, "placeholder '" + quoted(token) + "' points outside the manifest: its path is names "
                    + "of letters, digits, '_' or '-' joined by '.'"));
            return;
        }
        if (!environments.path(environment).isObject()) {
            errors.add(new ManifestChecks.Finding(path, "placeholder '" + quoted(token) + "' points outside the manifest: "
                    + (current ? "the manifest's environment '" + environment + "'" : "the environment '" + environment + "'")
                    + " is not in its environments " + environmentNames()));
            return;
        }
        if (lookup(environment, valuePath) == null) {
            warnings.add(new ManifestChecks.Finding(path, "placeholder '" + quoted(token) + "': environments." + environment + "."
                    + valuePath + " has no value yet, so reading with resolve_env=true fails"));
        }
    }

    private void unknown(String token, String path) {
        errors.add(new ManifestChecks.Finding(path, "unknown placeholder '" + quoted(token) + "': the known ones are ${VAR} (upper case), "
                + "${environment} and ${environments.<name>.<path>}"));
    }

    private static boolean plainPath(String path) {
        for (String part : path.split("\\.", -1)) {
            if (!NAME.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    /** As {@link Placeholders} looks values up: names along objects. */
    private JsonNode lookup(String environment, String path) {
        JsonNode node = environments.path(environment);
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        return node.isMissingNode() || node.isNull() ? null : node;
    }

    private List<String> environmentNames() {
        List<String> names = new ArrayList<>();
        environments.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String quoted(String token) {
        return token.length() <= QUOTED_LENGTH ? token : token.substring(0, QUOTED_LENGTH) + "...";
    }
}
