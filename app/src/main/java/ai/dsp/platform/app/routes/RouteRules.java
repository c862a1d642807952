package ai.dsp.platform.app.routes;

import ai.dsp.platform.app.errors.ErrorPolicy;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conventions a route file must keep before it may replace what runs (docs/OPERATORS.md):
 * YAML that parses; every route and REST operation with an id and a description; every route
 * under the one error policy; no scripting language and no beans (logic lives in Java beans);
 * every endpoint a component this platform has; hosts, ports and secrets as placeholders, not
 * literals; every {@code {{placeholder}}} with a value; every {@code direct:} target served by
 * some route. Checked on the file's text as the operator wrote it, so each finding names what
 * to change. Camel's own parsing (the DSL's schema) is checked afterwards by {@link RouteFiles}.
 */
public final class RouteRules {

    /** What the rules need to know about the running platform and the other route files. */
    public interface Context {

        boolean componentInstalled(String scheme);

        boolean placeholderResolves(String key);

        /** Whether a route outside the file being checked has this id. */
        boolean routeIdTakenElsewhere(String id);

        /** Whether a route outside the file being checked consumes from this {@code direct:} endpoint. */
        boolean directServedElsewhere(String name);
    }

    /** Languages that run code: refused (a route calls a bean for logic). */
    static final Set<String> SCRIPTING = Set.of("groovy", "js", "javascript", "python", "jython", "ruby", "mvel", "ognl", "joor",
            "java", "jsh", "spel", "wasm", "kotlin");
    private static final Set<String> REST_VERBS = Set.of("get", "post", "put", "delete", "patch", "head");
    /** Endpoint options that name a place on the network: a literal value belongs in configuration. */
    private static final Set<String> HOST_OPTIONS = Set.of("host", "hostname", "brokers", "brokerurl", "bootstrapservers", "serveruris",
            "addresses", "address", "url", "urls", "hosts", "port", "serveruri", "hostaddresses");
    /** Endpoint options that hold a secret: only a placeholder may stand there. */
    private static final Set<String> SECRET_OPTIONS = Set.of("password", "passphrase", "secret", "secretkey", "accesskey", "apikey",
            "token", "privatekey", "privatekeypassphrase", "sslkeypassword", "sasljaasconfig", "clientsecret");
    private static final Set<String> ENDPOINT_KEYS = Set.of("to", "toD", "wireTap", "enrich", "pollEnrich", "uri");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");
    /** A {@code scheme://authority} whose authority is written out rather than a placeholder. */
    private static final Pattern LITERAL_AUTHORITY = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://(?!\\{\\{)([^/?#]+)");
    /**
     * Components whose {@code //authority} is a host on the network; for others (timer, seda,
     * spring-redis...) it is a name.
     */
    private static final Set<String> NETWORK_SCHEMES = Set.of("http", "https", "ftp", "ftps", "sftp", "scp", "ssh", "netty", "netty-http",
            "vertx-http", "ws", "wss", "websocket", "mina", "smtp", "smtps", "imap", "imaps", "pop3", "pop3s", "couchdb");

    private final Context context;

    public RouteRules(Context context) {
        this.context = context;
    }

    /** The findings for {@code text}, the content of route file {@code file}, with the route ids and {@code direct:} endpoints it has. */
    public RouteReport check(String file, String text) {
        Findings findings = new Findings();
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            findings.add(null, "the file is not YAML: " + firstLine(e.getMessage()));
            return findings.report(file, List.of(), Set.of(), List.of());
        }
        if (!(document instanceof List<?> entries)) {
            findings.add(null, "a route file is a YAML list of route and rest entries");
            return findings.report(file, List.of(), Set.of(), List.of());
        }
        Set<String> ids = new LinkedHashSet<>();
        // a REST operation and the direct: route it sends to share an id (the REST DSL inlines the route)
        Set<String> operationIds = new LinkedHashSet<>();
        Set<String> served = new LinkedHashSet<>();
        List<String> targets = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || map.size() != 1) {
                findings.add(null, "each entry of a route file is one of: route, rest");
                continue;
            }
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            String kind = String.valueOf(only.getKey());
            Map<?, ?> body = only.getValue() instanceof Map<?, ?> value ? value : Map.of();
            switch (kind) {
                case "route" -> route(body, ids, served, targets, findings);
                case "rest" -> rest(body, operationIds, targets, findings);
                default -> findings.add(null, "'" + kind + "' entries are not allowed in route files: only route and rest"
                        + (kind.equals("beans") ? " (beans are Java components)" : ""));
            }
        }
        ids.addAll(operationIds);
        walk(null, document, findings);
        for (String target : targets) {
            if (!served.contains(target) && !context.directServedElsewhere(target)) {
                findings.add(null, "direct:" + target + " is sent to, but no route consumes from it");
            }
        }
        return findings.report(file, List.copyOf(ids), served, targets);
    }

    private void route(Map<?, ?> route, Set<String> ids, Set<String> served, List<String> targets, Findings findings) {
        String id = text(route.get("id"));
        String name = id == null ? "a route" : "route " + id;
        identify(id, name, route, ids, findings);
        if (!ErrorPolicy.ID.equals(text(route.get("routeConfigurationId")))) {
            findings.add(id, name + " has no routeConfigurationId: " + ErrorPolicy.ID + " (the one error policy)");
        }
        Object from = route.get("from");
        String uri = from instanceof Map<?, ?> fromMap ? text(fromMap.get("uri")) : text(from);
        if (uri == null) {
            findings.add(id, name + " has no from.uri");
        } else if (uri.startsWith("direct:")) {
            served.add(directName(uri));
        }
        collectTargets(route, targets);
    }

    private void rest(Map<?, ?> rest, Set<String> ids, List<String> targets, Findings findings) {
        for (Map.Entry<?, ?> verb : rest.entrySet()) {
            if (!REST_VERBS.contains(String.valueOf(verb.getKey())) || !(verb.getValue() instanceof List<?> operations)) {
                continue;
            }
            for (Object operation : operations) {
                if (operation instanceof Map<?, ?> op) {
                    String id = text(op.get("id"));
                    identify(id, id == null ? "a " + verb.getKey() + " operation of " + text(op.get("path")) : "operation " + id, op, ids, findings);
                    collectTargets(op, targets);
                }
            }
        }
    }

    private void identify(String id, String name, Map<?, ?> node, Set<String> ids, Findings findings) {
        if (id == null) {
            findings.add(null, name + " has no id");
        } else if (!ids.add(id)) {
            findings.add(id, "the id " + id + " is used twice in this file");
        } else if (context.routeIdTakenElsewhere(id)) {
            findings.add(id, "the id " + id + " is already a route of another file");
        }
        if (text(node.get("description")) == null) {
            findings.add(id, name + " has no description");
        }
    }

    /** Every {@code direct:} endpoint the node sends to with a fixed name. */
    private static void collectTargets(Object node, List<String> targets) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String value = entry.getValue() instanceof Map<?, ?> inner ? text(inner.get("uri")) : text(entry.getValue());
                if (ENDPOINT_KEYS.contains(key) && !key.equals("uri") && value != null && value.startsWith("direct:") && !value.contains("${")) {
                    targets.add(directName(value));
                }
                collectTargets(entry.getValue(), targets);
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectTargets(item, targets));
        }
    }

    /** Scripting languages, endpoints and placeholders, wherever they are in the file. */
    private void walk(String key, Object node, Findings findings) {
        if (node instanceof Map<?, ?> map) {
            Object parameters = map.get("parameters");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String name = String.valueOf(entry.getKey());
                if (SCRIPTING.contains(name.toLowerCase(Locale.ROOT))) {
                    findings.add(null, "the scripting language " + name + " is not allowed: put the logic in a bean");
                }
                if (name.equals("language") && entry.getValue() instanceof Map<?, ?> language
                        && SCRIPTING.contains(String.valueOf(language.get("language")).toLowerCase(Locale.ROOT))) {
                    findings.add(null, "the scripting language " + language.get("language") + " is not allowed: put the logic in a bean");
                }
                if (ENDPOINT_KEYS.contains(name) && entry.getValue() instanceof String uri) {
                    endpoint(uri, name.equals("uri") && parameters instanceof Map<?, ?> p ? p : Map.of(), findings);
                }
                if (name.equals("from") && entry.getValue() instanceof String uri) {
                    endpoint(uri, Map.of(), findings);
                }
                walk(name, entry.getValue(), findings);
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> walk(key, item, findings));
        } else if (node instanceof String value) {
            placeholders(value, findings);
        }
    }

    private void endpoint(String uri, Map<?, ?> parameters, Findings findings) {
        if (uri.contains("${")) {
            return;
        }
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? uri : uri.substring(0, colon);
        if (!scheme.contains("{{") && !context.componentInstalled(scheme)) {
            findings.add(null, "endpoint " + uri + ": no component '" + scheme + "' is installed");
        }
        Matcher authority = LITERAL_AUTHORITY.matcher(uri);
        if (authority.find() && NETWORK_SCHEMES.contains(scheme)) {
            findings.add(null, "endpoint " + uri + " names the host " + authority.group(1) + ": use a {{placeholder}}");
        }
        int query = uri.indexOf('?');
        if (query >= 0) {
            for (String pair : uri.substring(query + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    option(uri, pair.substring(0, eq), pair.substring(eq + 1), findings);
                }
            }
        }
        parameters.forEach((name, value) -> option(uri, String.valueOf(name), String.valueOf(value), findings));
    }

    private static void option(String uri, String name, String value, Findings findings) {
        String key = name.toLowerCase(Locale.ROOT);
        boolean placeholder = value.contains("{{") || value.startsWith("#") || value.startsWith("RAW({{");
        if (SECRET_OPTIONS.contains(key) && !placeholder) {
            findings.add(null, "endpoint " + uri + ": option " + name + " holds a secret: use a {{placeholder}} set from the environment");
        } else if (HOST_OPTIONS.contains(key) && !placeholder) {
            findings.add(null, "endpoint " + uri + ": option " + name + " names a host or port: use a {{placeholder}}");
        }
    }

    private void placeholders(String value, Findings findings) {
        Matcher matcher = PLACEHOLDER.matcher(value);
        while (matcher.find()) {
            String key = matcher.group(1).strip();
            // {{key:default}} and {{?key}} (optional) always have a value; env:/sys: are looked up like any other
            if (!key.startsWith("?") && !hasDefault(key) && !context.placeholderResolves(key)) {
                findings.add(null, "the placeholder {{" + key + "}} has no value");
            }
        }
    }

    private static boolean hasDefault(String key) {
        int colon = key.indexOf(':');
        return colon >= 0 && !Set.of("env", "sys", "bean", "ref").contains(key.substring(0, colon));
    }

    private static String directName(String uri) {
        String name = uri.substring("direct:".length());
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    private static String text(Object value) {
        return value instanceof String string && !string.isBlank() ? string : null;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** The findings of one file, in the order found, without repeats. */
    private static final class Findings {

        private final Set<RouteReport.Finding> found = new LinkedHashSet<>();

        void add(String route, String message) {
            found.add(new RouteReport.Finding(route, message));
        }

        RouteReport report(String file, List<String> ids, Set<String> served, List<String> targets) {
            return new RouteReport(file, found.isEmpty(), ids, List.copyOf(served), targets.stream().distinct().toList(), List.copyOf(found));
        }
    }
}
