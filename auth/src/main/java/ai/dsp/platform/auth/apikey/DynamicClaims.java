package ai.dsp.platform.auth.apikey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes a key's {@code claims.dynamic} in file order: {@code function} (the registry),
 * {@code api} (an allowed HTTP call) and {@code formula} (CEL). A claim that cannot be computed is
 * left out and logged ({@code on_failure: omit}, the default and the seed's behaviour) or stops
 * the token ({@code on_failure: refuse}). As in the seed, a falsy function or api value is left
 * out, and formula results are merged flat, one claim per formula.
 */
public final class DynamicClaims {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicClaims.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    static final String INTERNAL_TOKEN = "internal_token";

    private final ClaimFunctions functions;
    private final ClaimApiCalls api;
    private final ClaimFormulas formulas;
    private final String internalToken;

    public DynamicClaims(ClaimFunctions functions, ClaimApiCalls api, ClaimFormulas formulas, String internalToken) {
        this.functions = functions;
        this.api = api;
        this.formulas = formulas;
        this.internalToken = internalToken;
    }

    /**
     * The dynamic claims of {@code key}. {@code context} is what placeholders and formulas may name
     * (user and request context, {@code api_key_id}); formulas also see the static claims and the
     * dynamic claims computed before them.
     */
    public Map<String, Object> evaluate(ApiKey key, Map<String, Object> context) {
        Map<String, Object> computed = new LinkedHashMap<>();
        key.dynamicClaims().forEach((name, spec) -> {
            boolean refuse = "refuse".equals(String.valueOf(spec.getOrDefault("on_failure", "omit")));
            try {
                computeOne(key, name, spec, context, computed);
            } catch (ClaimException e) {
                LOG.warn("API key {}: claim '{}' left out: {}", key.id(), name, e.getMessage());
                if (refuse) {
                    throw new ClaimUnavailableException(name);
                }
            }
        });
        return computed;
    }

    private void computeOne(ApiKey key, String name, Map<String, Object> spec, Map<String, Object> context,
                            Map<String, Object> computed) throws ClaimException {
        String type = String.valueOf(spec.get("type"));
        switch (type) {
            case "function" -> putIfTruthy(computed, name, function(key, spec, context));
            case "api" -> putIfTruthy(computed, name, api(spec, context));
            case "formula" -> {
                Map<String, Object> formulaSpecs = ApiKeyFiles.map(spec.get("formulas"), "formulas");
                Map<String, Object> variables = new LinkedHashMap<>(context);
                variables.putAll(key.staticClaims());
                for (Map.Entry<String, Object> formula : formulaSpecs.entrySet()) {
                    variables.putAll(computed);
                    try {
                        computed.put(formula.getKey(), formulas.evaluate(String.valueOf(formula.getValue()), variables));
                    } catch (ClaimFormulas.FormulaException e) {
                        // one formula that cannot be computed does not take its siblings with it
                        LOG.warn("API key {}: formula claim '{}' left out: {}", key.id(), formula.getKey(), e.getMessage());
                        if ("refuse".equals(String.valueOf(spec.getOrDefault("on_failure", "omit")))) {
                            throw new ClaimException(e.getMessage());
                        }
                    }
                }
            }
            default -> throw new ClaimException("unknown type '" + type + "' (function, api or formula)");
        }
    }

    private Object function(ApiKey key, Map<String, Object> spec, Map<String, Object> context) throws ClaimException {
        String module = String.valueOf(spec.get("module"));
        String function = String.valueOf(spec.get("function"));
        ClaimFunction implementation = functions.find(module, function)
                .orElseThrow(() -> new ClaimException("no claim function " + module + "." + function + " (known: " + functions.names() + ")"));
        Map<String, Object> args = new LinkedHashMap<>();
        ApiKeyFiles.map(spec.get("args"), "args").forEach((arg, value) -> args.put(arg, argument(value, context)));
        try {
            return implementation.apply(args, key.metadata());
        } catch (RuntimeException e) {
            throw new ClaimException(module + "." + function + " failed: " + e.getMessage());
        }
    }

    private Object api(Map<String, Object> spec, Map<String, Object> context) throws ClaimException {
        String url = substitute(String.valueOf(spec.get("url")), context, true);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, Object> header : ApiKeyFiles.map(spec.get("headers"), "headers").entrySet()) {
            headers.put(header.getKey(), header(String.valueOf(header.getValue()), context));
        }
        try {
            return api.call(String.valueOf(spec.getOrDefault("method", "GET")).toUpperCase(), url, headers,
                    spec.get("response_field") == null ? null : spec.get("response_field").toString());
        } catch (ClaimApiCalls.CallFailedException e) {
            throw new ClaimException(e.getMessage());
        }
    }

    private String header(String value, Map<String, Object> context) throws ClaimException {
        if (value.contains("{" + INTERNAL_TOKEN + "}")) {
            if (internalToken == null) {
                throw new ClaimException("{internal_token} is used but INTERNAL_API_TOKEN is not set");
            }
            value = value.replace("{" + INTERNAL_TOKEN + "}", internalToken);
        }
        return substitute(value, context, false);
    }

    /** An arg written exactly as {@code "{name}"} becomes the context's value with its own type (a list stays a list). */
    private static Object argument(Object value, Map<String, Object> context) {
        if (value instanceof String text) {
            Matcher whole = PLACEHOLDER.matcher(text);
            if (whole.matches() && context.containsKey(whole.group(1))) {
                return context.get(whole.group(1));
            }
        }
        return value;
    }

    private static String substitute(String text, Map<String, Object> context, boolean urlEncode) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            Object value = context.get(matcher.group(1));
            String replacement = value == null ? matcher.group() : urlEncode ? URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8)
                    : String.valueOf(value);
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static void putIfTruthy(Map<String, Object> claims, String name, Object value) {
        if (truthy(value)) {
            claims.put(name, value);
        }
    }

    /** Python's truthiness, which the seed's files rely on to leave a claim out. */
    static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof CharSequence s) {
            return !s.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return value != null;
    }

    private static final class ClaimException extends Exception {
        ClaimException(String message) {
            super(message);
        }
    }
}
