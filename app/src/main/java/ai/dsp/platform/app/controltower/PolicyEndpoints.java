package ai.dsp.platform.app.controltower;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.app.security.ControlTowerClients;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.app.security.SecurityConfiguration;
import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.controltower.policy.Decision;
import ai.dsp.platform.controltower.policy.Policy;
import ai.dsp.platform.controltower.policy.PolicyDocuments;
import ai.dsp.platform.controltower.policy.PolicyService;
import ai.dsp.platform.controltower.policy.RegoImporter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The seed Control Tower's policy calls (routes/control-tower-policies.camel.yaml) with its
 * bodies: {@code /policies/**}, {@code /evaluate}, {@code /batch-evaluate}, {@code /user-policies}.
 * Any authenticated caller may read and evaluate; changes need the admin role (the seed's
 * superuser). A policy is sent as the model's YAML or JSON, as a JSON object, or as the seed's Rego
 * text, which is imported (the answer lists what was not). The client secret's hash and salt are
 * never answered.
 */
@Component("policyEndpoints")
public class PolicyEndpoints {

    /** The seed's header naming the client (its policy) of an evaluation. */
    public static final String CLIENT_HEADER = "X-DSPAI-Client-ID";
    /** A policy is a page of text; more is a mistake or an attack. */
    static final int MAX_POLICY_CHARACTERS = 1_000_000;
    /** Inputs per {@code /batch-evaluate} call. */
    static final int MAX_BATCH = 1_000;
    private static final Pattern REGO = Pattern.compile("(?m)^\\s*package\\s+[A-Za-z_]");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final PolicyService policies;
    private final RegoImporter importer;
    private final AuthProperties auth;
    private final ObjectMapper json;

    public PolicyEndpoints(PolicyService policies, RegoImporter importer, AuthProperties auth, ObjectMapper json) {
        this.policies = policies;
        this.importer = importer;
        this.auth = auth;
        this.json = json;
    }

    /** {@code GET /policies}: {@code {policies: [{policy_path, policy_name, enabled, client_id, error?}]}}. */
    public Map<String, Object> list() {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (PolicyService.Listed policy : policies.list()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("policy_path", policy.path());
            entry.put("policy_name", Path.of(policy.path()).getFileName().toString());
            entry.put("enabled", policy.enabled());
            entry.put("client_id", policy.clientId());
            if (policy.error() != null) {
                entry.put("error", policy.error());
            }
            listed.add(entry);
        }
        return Map.of("policies", listed);
    }

    /** {@code GET /policies/{client_id}}: the seed's {@code {client_id, policy_content, policy_path}}, and the policy as an object. */
    public Map<String, Object> get(Exchange exchange) {
        String clientId = pathId(exchange);
        if (authenticatedClient(exchange).filter(own -> !own.equals(clientId)).isPresent()) {
            throw new ForbiddenException("a policy client reads its own policy only");
        }
        Policy policy = policies.get(clientId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("client_id", clientId);
        answer.put("policy_content", PolicyDocuments.yaml(policy.withoutClientSecret()));
        answer.put("policy_path", policies.path(clientId));
        answer.put("enabled", policy.enabled());
        answer.put("client_secret_set", policy.hasClientSecret());
        answer.put("policy", PolicyDocuments.toMap(policy.withoutClientSecret()));
        return answer;
    }

    /** {@code POST /policies/add {client_id, policy_content}}: 201, or 409 when the client has a policy. */
    public Map<String, Object> add(Exchange exchange) {
        admin(exchange);
        Map<String, Object> body = body(exchange);
        String clientId = clientId(body.get("client_id"), "client_id");
        Read read = read(clientId, body.get("policy_content"));
        policies.add(read.policy());
        return changed("Policy added successfully: " + clientId, clientId, read);
    }

    /** {@code PUT /policies/update/{client_id} {client_id, policy_content}}: the body's id, when given, is the path's. */
    public Map<String, Object> update(Exchange exchange) {
        admin(exchange);
        String clientId = pathId(exchange);
        Map<String, Object> body = body(exchange);
        if (body.get("client_id") != null && !clientId.equals(body.get("client_id"))) {
            throw new BadRequestException("client_id in path must match client_id in request body");
        }
        Read read = read(clientId, body.get("policy_content"));
        policies.update(read.policy());
        return changed("Policy updated successfully: " + clientId, clientId, read);
    }

    /** {@code DELETE /policies/delete/{client_id}}. */
    public Map<String, Object> delete(Exchange exchange) {
        admin(exchange);
        String clientId = pathId(exchange);
        policies.delete(clientId);
        return Map.of("message", "Policy deleted successfully: " + clientId);
    }

    /** {@code PATCH /policies/{client_id}/status {enabled}}. */
    public Map<String, Object> status(Exchange exchange) {
        admin(exchange);
        String clientId = pathId(exchange);
        if (!(body(exchange).get("enabled") instanceof Boolean enabled)) {
            throw new BadRequestException("enabled (true or false) is required");
        }
        policies.setEnabled(clientId, enabled);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", "Policy " + (enabled ? "enabled" : "disabled") + " successfully: " + clientId);
        answer.put("policy_path", policies.path(clientId));
        answer.put("enabled", enabled);
        return answer;
    }

    /**
     * {@code POST /evaluate {input_data}}: the client is the {@code X-DSPAI-Client-ID} header or
     * the body's {@code client_id}. {@code {allow, result{allow, effective_role, reasons}, policy_path}}.
     */
    public Map<String, Object> evaluate(Exchange exchange) {
        Map<String, Object> body = body(exchange);
        String clientId = client(exchange, body, true);
        Map<String, Object> input = object(body.get("input_data"), "input_data");
        return answer(policies.evaluate(clientId, input), null);
    }

    /**
     * {@code POST /batch-evaluate}. {@code {client_id?, inputs: [...]}} evaluates each input
     * against the client's policy (header or body), or against every enabled policy when no
     * client is named: {@code {results: [{index, allow, result, policy_path, client_id}]}}. The
     * seed's body, one input object, is evaluated against the client of the header, as the seed
     * did, or without one against every enabled policy: {@code {results: [{policy_path, allow, result, client_id}]}}.
     */
    public Map<String, Object> batchEvaluate(Exchange exchange) {
        Map<String, Object> body = body(exchange);
        List<Map<String, Object>> results = new ArrayList<>();
        if (!body.containsKey("inputs")) {
            String clientId = client(exchange, Map.of(), false);
            if (clientId != null) {
                results.add(answer(policies.evaluate(clientId, body), null));
            } else {
                policies.evaluateEnabled(body).forEach(evaluated -> results.add(answer(evaluated, null)));
            }
            return Map.of("results", results);
        }
        if (!(body.get("inputs") instanceof List<?> inputs)) {
            throw new BadRequestException("inputs must be a list of input objects");
        }
        if (inputs.size() > MAX_BATCH) {
            throw new BadRequestException("at most " + MAX_BATCH + " inputs per call, not " + inputs.size());
        }
        String clientId = client(exchange, body, false);
        List<Map<String, Object>> checked = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            checked.add(object(inputs.get(i), "inputs[" + i + "]"));
        }
        for (int i = 0; i < checked.size(); i++) {
            if (clientId != null) {
                results.add(answer(policies.evaluate(clientId, checked.get(i)), i));
            } else {
                for (PolicyService.Evaluated evaluated : policies.evaluateEnabled(checked.get(i))) {
                    results.add(answer(evaluated, i));
                }
            }
        }
        return Map.of("results", results);
    }

    /**
     * {@code POST /user-policies {user_id, group_ids[]}}: the enabled policies where the user or a
     * group has a role, in the seed's shape ({@code user_role}, {@code group_roles},
     * {@code available_actions{user, groups}}), with the role an evaluation would use.
     */
    public Map<String, Object> userPolicies(Exchange exchange) {
        Map<String, Object> body = body(exchange);
        if (!(body.get("user_id") instanceof String userId) || userId.isBlank()) {
            throw new BadRequestException("user_id is required");
        }
        Object groups = body.getOrDefault("group_ids", List.of());
        if (!(groups instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new BadRequestException("group_ids must be a list of strings");
        }
        List<String> groupIds = list.stream().map(String.class::cast).toList();
        List<Map<String, Object>> found = new ArrayList<>();
        for (PolicyService.UserPolicy policy : policies.userPolicies(userId, groupIds)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("policy_path", policy.path());
            entry.put("policy_name", Path.of(policy.path()).getFileName().toString());
            entry.put("client_id", policy.clientId());
            entry.put("enabled", policy.enabled());
            if (policy.userRole() != null) {
                entry.put("user_role", policy.userRole());
            }
            if (!policy.groupRoles().isEmpty()) {
                entry.put("group_roles", policy.groupRoles().stream()
                        .map(group -> Map.of("group_id", group.groupId(), "role", group.role())).toList());
            }
            Map<String, Object> actions = new LinkedHashMap<>(policy.userActions());
            if (!policy.groupActions().isEmpty()) {
                actions.put("groups", policy.groupActions());
            }
            entry.put("available_actions", actions);
            entry.put("effective_role", policy.effectiveRole());
            found.add(entry);
        }
        return Map.of("policies", found);
    }

    // ------------------------------------------------------------------ helpers

    /** A policy as sent, and what its import left out (empty unless it was Rego). */
    private record Read(Policy policy, List<RegoImporter.NotImported> notImported, List<String> notes) {
    }

    private Read read(String clientId, Object content) {
        if (content instanceof Map<?, ?> document) {
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) document;
            return new Read(PolicyDocuments.fromMap(typed, clientId), List.of(), List.of());
        }
        if (!(content instanceof String text) || text.isBlank()) {
            throw new BadRequestException("policy_content is required: the policy as YAML or JSON (text or object), or the seed's Rego text");
        }
        if (text.length() > MAX_POLICY_CHARACTERS) {
            throw new BadRequestException("policy_content is longer than " + MAX_POLICY_CHARACTERS + " characters");
        }
        if (REGO.matcher(text).find()) {
            RegoImporter.ImportResult imported = importer.importRego(text, clientId);
            return new Read(imported.policy(), imported.notImported(), imported.notes());
        }
        return new Read(PolicyDocuments.parse(text, clientId), List.of(), List.of());
    }

    private Map<String, Object> changed(String message, String clientId, Read read) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", message);
        answer.put("client_id", clientId);
        answer.put("policy_path", policies.path(clientId));
        answer.put("not_imported", read.notImported().stream()
                .map(rule -> Map.of("rule", rule.rule(), "line", rule.line(), "reason", rule.reason())).toList());
        answer.put("notes", read.notes());
        return answer;
    }

    private static Map<String, Object> answer(PolicyService.Evaluated evaluated, Integer index) {
        Decision decision = evaluated.decision();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("allow", decision.allow());
        result.put("effective_role", decision.effectiveRole());
        result.put("reasons", decision.reasons());
        Map<String, Object> answer = new LinkedHashMap<>();
        if (index != null) {
            answer.put("index", index);
        }
        answer.put("allow", decision.allow());
        answer.put("result", result);
        answer.put("policy_path", evaluated.path());
        answer.put("client_id", evaluated.clientId());
        return answer;
    }

    /** The client of an evaluation: the header, else the body's {@code client_id}; both given, they must agree. */
    private static String client(Exchange exchange, Map<String, Object> body, boolean required) {
        String header = exchange.getMessage().getHeader(CLIENT_HEADER, String.class);
        Object inBody = body.get("client_id");
        if (header != null && inBody != null && !header.equals(inBody)) {
            throw new BadRequestException("the " + CLIENT_HEADER + " header and client_id name different clients");
        }
        Object named = header != null ? header : inBody;
        Optional<String> own = authenticatedClient(exchange);
        if (own.isPresent()) {
            if (named != null && !own.get().equals(named)) {
                throw new ForbiddenException("a policy client evaluates its own policy only");
            }
            return own.get();
        }
        if (named == null) {
            if (required) {
                throw new BadRequestException("name the client: the " + CLIENT_HEADER + " header or client_id in the body");
            }
            return null;
        }
        return clientId(named, "client_id");
    }

    /** The client a call authenticated as with the seed's client id and secret, if it did. */
    private static Optional<String> authenticatedClient(Exchange exchange) {
        return Caller.of(exchange).map(Caller::subject).filter(subject -> subject.startsWith(ControlTowerClients.CLIENT_PREFIX))
                .map(subject -> subject.substring(ControlTowerClients.CLIENT_PREFIX.length()));
    }

    private static String clientId(Object value, String field) {
        if (!(value instanceof String id) || id.isBlank()) {
            throw new BadRequestException(field + " is required");
        }
        if (!Policy.CLIENT_ID.matcher(id).matches()) {
            throw new BadRequestException(field + " must match ^[A-Za-z0-9_]+$ (at most 128 characters)");
        }
        return id;
    }

    private static String pathId(Exchange exchange) {
        return clientId(exchange.getMessage().getHeader("client_id", String.class), "client_id");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String field) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadRequestException(field + " must be an object in the seed's format {user, action, resource, usecase}");
        }
        return (Map<String, Object>) map;
    }

    /** The request's JSON object, whether the REST binding parsed it already or not. */
    private Map<String, Object> body(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Map<?, ?>) {
            return object(body, "the request body");
        }
        String text;
        try {
            text = body instanceof InputStream stream ? new String(stream.readAllBytes(), StandardCharsets.UTF_8)
                    : exchange.getMessage().getBody(String.class);
        } catch (IOException e) {
            throw new BadRequestException("the request body cannot be read");
        }
        if (text == null || text.isBlank()) {
            throw new BadRequestException("a JSON object is required as the request body");
        }
        try {
            return json.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** Changes need the admin role, unless the platform runs without authentication ({@code dsp.auth.enabled=false}). */
    private void admin(Exchange exchange) {
        if (!auth.enabled()) {
            return;
        }
        boolean admin = Caller.of(exchange).map(caller -> caller.roles().contains(SecurityConfiguration.ADMIN)).orElse(false);
        if (!admin) {
            throw new ForbiddenException("changing policies needs the " + SecurityConfiguration.ADMIN + " role");
        }
    }
}
