package ai.dsp.platform.controltower.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One client's policy: what the seed wrote as {@code policies/clients/<client_id>.rego}, as data.
 * A request is allowed only when every check passes (deny by default): the input is complete, its
 * usecase and resource type are listed (when lists are given), the caller has a role that grants
 * the action, the resource is allowed for its type, and every condition holds. The role is the
 * input's {@code user.role} (when {@code trustInputRole}), else {@code user_roles[user.id]}, else
 * the highest of the user's group roles in {@code roleHierarchy} (the seed's order, lowest first).
 *
 * @param clientId          the seed's client id: the file name, {@code ^[A-Za-z0-9_]+$}
 * @param enabled           the seed's {@code policy_enabled}; a disabled policy denies everything
 * @param project           the seed's {@code project}
 * @param description       free text for people
 * @param usecases          accepted {@code input.usecase} values; empty: any
 * @param resourceTypes     accepted {@code input.resource.type} values; empty: any
 * @param roles             role -> the actions it grants
 * @param roleHierarchy     roles from lowest to highest; a group role outside it never applies
 * @param userRoles         user id -> role
 * @param groupRoles        group id -> role
 * @param allowedResources  resource type ({@code *}: any type) -> allowed ids ({@code *}: any id)
 * @param resourceIdField   the resource's field the ids are matched against (the seed's {@code model_id})
 * @param trustInputRole    whether {@code input.user.role} is taken as the caller's role, as the seed did
 * @param conditions        CEL conditions over the input, each required to hold or denying when it holds
 * @param clientSecretHash  the seed's {@code client_secret}: sha256(secret + salt), hex
 * @param clientSalt        the seed's {@code client_salt}
 * @param templates         the seed's {@code aihpc.<env>} blocks and other template data, kept as data
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"client_id", "enabled", "project", "description", "usecases", "resource_types", "roles", "role_hierarchy",
        "user_roles", "group_roles", "allowed_resources", "resource_id_field", "trust_input_role", "conditions",
        "client_secret_hash", "client_salt", "templates"})
public record Policy(String clientId, Boolean enabled, String project, String description, List<String> usecases,
                     List<String> resourceTypes, Map<String, List<String>> roles, List<String> roleHierarchy,
                     Map<String, String> userRoles, Map<String, String> groupRoles, Map<String, List<String>> allowedResources,
                     String resourceIdField, Boolean trustInputRole, List<PolicyCondition> conditions, String clientSecretHash,
                     String clientSalt, Map<String, Object> templates) {

    /** The seed's client ids; nothing else can name a file. */
    public static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_]{1,128}");
    /** The seed's answer when no role is found; no policy may define a role of that name. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** Any resource type, or any resource id. */
    public static final String ANY = "*";
    public static final String DEFAULT_RESOURCE_ID_FIELD = "model_id";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public Policy {
        enabled = enabled == null || enabled;
        usecases = strings(usecases);
        resourceTypes = strings(resourceTypes);
        roles = listMap(roles);
        roleHierarchy = strings(roleHierarchy);
        userRoles = stringMap(userRoles);
        groupRoles = stringMap(groupRoles);
        allowedResources = listMap(allowedResources);
        resourceIdField = resourceIdField == null ? DEFAULT_RESOURCE_ID_FIELD : resourceIdField;
        trustInputRole = trustInputRole == null || trustInputRole;
        conditions = conditions == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(conditions));
        clientSecretHash = clientSecretHash == null ? null : clientSecretHash.toLowerCase(Locale.ROOT);
        templates = templates == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(templates));
    }

    /** A policy with only an id: allows nothing until roles, resources and assignments are added. */
    public static Policy empty(String clientId) {
        return new Policy(clientId, true, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean hasClientSecret() {
        return clientSecretHash != null && clientSalt != null;
    }

    public Policy withClientId(String id) {
        return new Policy(id, enabled, project, description, usecases, resourceTypes, roles, roleHierarchy, userRoles, groupRoles,
                allowedResources, resourceIdField, trustInputRole, conditions, clientSecretHash, clientSalt, templates);
    }

    public Policy withEnabled(boolean value) {
        return new Policy(clientId, value, project, description, usecases, resourceTypes, roles, roleHierarchy, userRoles, groupRoles,
                allowedResources, resourceIdField, trustInputRole, conditions, clientSecretHash, clientSalt, templates);
    }

    /** The same policy with this client secret (hash and salt; both null: none). */
    public Policy withClientSecret(String hash, String salt) {
        return new Policy(clientId, enabled, project, description, usecases, resourceTypes, roles, roleHierarchy, userRoles, groupRoles,
                allowedResources, resourceIdField, trustInputRole, conditions, hash, salt, templates);
    }

    /** What may be shown to any caller: everything but the secret's hash and salt (they would allow guessing it offline). */
    public Policy withoutClientSecret() {
        return withClientSecret(null, null);
    }

    /** Everything that makes this policy unusable, as sentences; empty when it is valid. CEL is checked when it is compiled. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            problems.add("client_id must match ^[A-Za-z0-9_]+$ (at most 128 characters), was " + clientId);
        }
        blank(usecases, "usecases", problems);
        blank(resourceTypes, "resource_types", problems);
        roles.forEach((role, actions) -> {
            if (role.isBlank()) {
                problems.add("roles: a role name is blank");
            }
            if (UNAUTHORIZED.equals(role)) {
                problems.add("roles: '" + UNAUTHORIZED + "' is what an unknown user gets and cannot be a role");
            }
            if (actions == null) {
                problems.add("roles." + role + " must list actions");
            } else {
                blank(actions, "roles." + role, problems);
            }
        });
        Set<String> seen = new HashSet<>();
        for (String role : roleHierarchy) {
            if (!roles.containsKey(role)) {
                problems.add("role_hierarchy names " + role + ", which is not in roles");
            }
            if (!seen.add(role)) {
                problems.add("role_hierarchy names " + role + " twice");
            }
        }
        userRoles.forEach((user, role) -> {
            if (role == null || !roles.containsKey(role)) {
                problems.add("user_roles." + user + " is " + role + ", which is not in roles");
            }
        });
        groupRoles.forEach((group, role) -> {
            if (role == null || !roles.containsKey(role)) {
                problems.add("group_roles." + group + " is " + role + ", which is not in roles");
            } else if (!roleHierarchy.contains(role)) {
                problems.add("group_roles." + group + " is " + role + ", which is not in role_hierarchy, so it could never apply");
            }
        });
        allowedResources.forEach((type, ids) -> {
            if (type.isBlank()) {
                problems.add("allowed_resources: a resource type is blank");
            }
            if (ids == null) {
                problems.add("allowed_resources." + type + " must list resource ids");
            } else {
                blank(ids, "allowed_resources." + type, problems);
            }
        });
        if (resourceIdField.isBlank()) {
            problems.add("resource_id_field must not be blank");
        }
        Set<String> names = new HashSet<>();
        for (PolicyCondition condition : conditions) {
            if (condition == null) {
                problems.add("conditions: an entry is empty");
                continue;
            }
            problems.addAll(condition.problems());
            if (condition.name() != null && !names.add(condition.name())) {
                problems.add("conditions: the name " + condition.name() + " is used twice");
            }
        }
        if ((clientSecretHash == null) != (clientSalt == null)) {
            problems.add("client_secret_hash and client_salt go together");
        }
        if (clientSecretHash != null && !SHA256_HEX.matcher(clientSecretHash).matches()) {
            problems.add("client_secret_hash must be sha256(secret + salt) as 64 hex digits");
        }
        if (clientSalt != null && clientSalt.isEmpty()) {
            problems.add("client_salt must not be empty");
        }
        return problems;
    }

    private static void blank(List<String> values, String field, List<String> problems) {
        if (values.stream().anyMatch(value -> value == null || value.isBlank())) {
            problems.add(field + " must not hold blank entries");
        }
    }

    private static List<String> strings(List<String> values) {
        return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }

    private static Map<String, String> stringMap(Map<String, String> values) {
        return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private static Map<String, List<String>> listMap(Map<String, List<String>> values) {
        if (values == null) {
            return Map.of();
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((key, list) -> copy.put(key, list == null ? null : Collections.unmodifiableList(new ArrayList<>(list))));
        return Collections.unmodifiableMap(copy);
    }
}
