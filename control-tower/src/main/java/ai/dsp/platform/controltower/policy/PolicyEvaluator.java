package ai.dsp.platform.controltower.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers whether a policy allows an input in the seed's format
 * ({@code {user{id, groups[], role?}, action, resource{type, model_id, ...}, usecase}}), in
 * process, as the seed's Rego answered it: {@code valid_input} (user, action and resource present,
 * usecase and resource type listed), the role ({@code input.user.role}, else {@code user_roles[id]},
 * else the highest group role in the hierarchy), the action in {@code roles[role]}, the resource
 * id in the allowed ones for its type, then the CEL conditions. Every check runs and leaves a
 * reason, so a denial says all that was wrong. Presence follows Rego: a field that is there and
 * not {@code false} counts as given (a {@code null} too).
 */
public final class PolicyEvaluator {

    /** The CEL variables of a condition. */
    public static final String INPUT = "input";
    public static final String ROLE = "role";
    /** What the seed's {@code valid_input} requires to be there. */
    private static final List<String> REQUIRED = List.of("user", "action", "resource");
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

    private final CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar(INPUT, SimpleType.DYN).addVar(ROLE, SimpleType.STRING).build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    /**
     * The policy, checked and with its conditions compiled (once: evaluations only run them).
     *
     * @throws InvalidPolicyException when a field is wrong or a condition does not compile to a boolean
     */
    public CompiledPolicy compile(Policy policy) {
        List<String> problems = new ArrayList<>(policy.problems());
        List<CompiledPolicy.Condition> conditions = new ArrayList<>();
        if (problems.isEmpty()) {
            for (PolicyCondition condition : policy.conditions()) {
                try {
                    CelAbstractSyntaxTree ast = compiler.compile(condition.expression()).getAst();
                    CelType type = ast.getResultType();
                    if (!type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
                        problems.add("conditions." + condition.name() + " is " + type.name() + ", not a boolean");
                        continue;
                    }
                    conditions.add(new CompiledPolicy.Condition(condition, runtime.createProgram(ast)));
                } catch (CelValidationException e) {
                    problems.add("conditions." + condition.name() + " does not compile: " + firstLine(e.getMessage()));
                } catch (CelEvaluationException e) {
                    problems.add("conditions." + condition.name() + " cannot run: " + firstLine(e.getMessage()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(policy.clientId(), problems);
        }
        return new CompiledPolicy(policy, conditions);
    }

    /** The decision of {@code compiled} for {@code input}, never an exception: what cannot be checked denies. */
    public Decision evaluate(CompiledPolicy compiled, Map<String, ?> input) {
        Policy policy = compiled.policy();
        List<String> reasons = new ArrayList<>(8);
        boolean allow = true;
        if (!policy.enabled()) {
            allow = false;
            reasons.add("policy " + policy.clientId() + " is disabled");
        }
        Map<String, ?> in = input == null ? Map.of() : input;
        for (String field : REQUIRED) {
            if (!present(in, field)) {
                allow = false;
                reasons.add("input." + field + " is missing");
            }
        }
        Object usecase = in.get("usecase");
        if (!compiled.usecases().isEmpty()) {
            if (usecase instanceof String named && compiled.usecases().contains(named)) {
                reasons.add("usecase " + named + " allowed");
            } else {
                allow = false;
                reasons.add(usecase == null ? "input.usecase is missing (allowed: " + policy.usecases() + ")"
                        : "usecase " + usecase + " not allowed (allowed: " + policy.usecases() + ")");
            }
        }
        Map<?, ?> resource = in.get("resource") instanceof Map<?, ?> map ? map : Map.of();
        Object type = resource.get("type");
        if (!compiled.resourceTypes().isEmpty()) {
            if (type instanceof String named && compiled.resourceTypes().contains(named)) {
                reasons.add("resource type " + named + " allowed");
            } else {
                allow = false;
                reasons.add(type == null ? "input.resource.type is missing (allowed: " + policy.resourceTypes() + ")"
                        : "resource type " + type + " not allowed (allowed: " + policy.resourceTypes() + ")");
            }
        }

        Role role = role(compiled, in.get("user"));
        reasons.add(role.reason());
        Set<String> granted = role.name() == null ? null : compiled.actions(role.name());
        Object action = in.get("action");
        if (granted == null) {
            allow = false;
            if (role.name() != null) {
                reasons.add("role " + role.name() + " is not defined in policy " + policy.clientId());
            }
            if (action != null) {
                reasons.add("action " + action + " not granted: no role");
            }
        } else if (action instanceof String named && granted.contains(named)) {
            reasons.add("action " + named + " granted to " + role.name());
        } else {
            allow = false;
            if (action != null) {
                reasons.add("action " + action + " not granted to " + role.name());
            }
        }

        String idField = policy.resourceIdField();
        String label = Policy.DEFAULT_RESOURCE_ID_FIELD.equals(idField) ? "model" : idField;
        Object id = resource.get(idField);
        if (compiled.resourceAllowed(type, id)) {
            reasons.add(id == null ? "any " + (type == null ? "resource" : type) + " allowed" : label + " " + id + " allowed");
        } else {
            allow = false;
            reasons.add(id == null ? "input.resource." + idField + " is missing" : label + " " + id + " not allowed");
        }

        if (!compiled.conditions().isEmpty()) {
            Map<String, Object> variables = Map.of(INPUT, cel(in), ROLE, role.effective());
            for (CompiledPolicy.Condition condition : compiled.conditions()) {
                allow &= check(condition, variables, reasons);
            }
        }
        return new Decision(allow, role.effective(), reasons);
    }

    /** The role found, and where from; {@code name} null when there is none. */
    private record Role(String name, Object given, String reason) {

        String effective() {
            return name != null ? name : given != null ? String.valueOf(given) : Policy.UNAUTHORIZED;
        }
    }

    /** The seed's {@code effective_role}: {@code input.user.role}, else {@code get_user_role(id, groups)}, else unauthorized. */
    private static Role role(CompiledPolicy compiled, Object user) {
        Policy policy = compiled.policy();
        if (!(user instanceof Map<?, ?> fields)) {
            return new Role(null, null, "no role: input.user has no role and no id");
        }
        if (policy.trustInputRole() && present(fields, "role")) {
            Object given = fields.get("role");
            return given instanceof String name
                    ? new Role(name, null, "role " + name + " from input.user.role")
                    : new Role(null, given, "no role: input.user.role is not a role name");
        }
        if (!present(fields, "id")) {
            return new Role(null, null, "no role: input.user has no " + (policy.trustInputRole() ? "role and no " : "") + "id");
        }
        Object id = fields.get("id");
        if (id instanceof String userId && policy.userRoles().containsKey(userId)) {
            String name = policy.userRoles().get(userId);
            return new Role(name, null, "role " + name + " from user_roles for user " + userId);
        }
        Object groups = fields.containsKey("groups") ? fields.get("groups") : List.of();
        int best = -1;
        String from = null;
        int mapped = 0;
        for (Object group : members(groups)) {
            String role = group instanceof String name ? policy.groupRoles().get(name) : null;
            if (role != null) {
                mapped++;
                int rank = compiled.rank(role);
                if (rank > best) {
                    best = rank;
                    from = (String) group;
                }
            }
        }
        if (best >= 0) {
            String name = policy.roleHierarchy().get(best);
            return new Role(name, null, "role " + name + " from group " + from + (mapped > 1 ? " (the highest of the user's group roles)" : ""));
        }
        return new Role(null, null, mapped == 0
                ? "no role: user " + id + " is not in user_roles and none of its groups " + members(groups) + " is in group_roles"
                : "no role: the group roles of user " + id + " are not in role_hierarchy");
    }

    /** What Rego's {@code group_ids[_]} iterates: a list's elements, an object's values, nothing else. */
    private static List<?> members(Object groups) {
        if (groups instanceof List<?> list) {
            return list;
        }
        if (groups instanceof Map<?, ?> map) {
            return new ArrayList<>(map.values());
        }
        return List.of();
    }

    private static boolean check(CompiledPolicy.Condition condition, Map<String, Object> variables, List<String> reasons) {
        PolicyCondition definition = condition.definition();
        Object value;
        try {
            value = condition.program().eval(variables);
        } catch (CelEvaluationException | RuntimeException e) {
            reasons.add("condition " + definition.name() + " could not be evaluated: " + firstLine(e.getMessage()));
            return false;
        }
        if (!(value instanceof Boolean truth)) {
            reasons.add("condition " + definition.name() + " is not a boolean for this input");
            return false;
        }
        boolean passed = definition.effect() == PolicyCondition.Effect.REQUIRE ? truth : !truth;
        String verb = definition.effect() == PolicyCondition.Effect.REQUIRE ? (truth ? " holds" : " does not hold")
                : (truth ? " denies" : " does not deny");
        reasons.add("condition " + definition.name() + verb);
        return passed;
    }

    /** Rego's truth of a reference: there, and not {@code false}. */
    private static boolean present(Map<?, ?> fields, String name) {
        return fields.containsKey(name) && !Boolean.FALSE.equals(fields.get(name));
    }

    /** The input as CEL values: 64-bit integers, doubles, CEL's null. */
    private static Object cel(Object value) {
        if (value == null) {
            return NullValue.NULL_VALUE;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> converted = new LinkedHashMap<>();
            map.forEach((k, v) -> converted.put(String.valueOf(k), cel(v)));
            return converted;
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            list.forEach(element -> converted.add(cel(element)));
            return converted;
        }
        return value;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
