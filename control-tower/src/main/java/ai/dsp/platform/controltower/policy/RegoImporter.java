package ai.dsp.platform.controltower.policy;

import ai.dsp.platform.controltower.policy.RegoSyntax.Branch;
import ai.dsp.platform.controltower.policy.RegoSyntax.Kind;
import ai.dsp.platform.controltower.policy.RegoSyntax.Statement;
import ai.dsp.platform.controltower.policy.RegoSyntax.StatementKind;
import ai.dsp.platform.controltower.policy.RegoSyntax.Token;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static ai.dsp.platform.controltower.policy.RegoSyntax.normal;
import static ai.dsp.platform.controltower.policy.RegoSyntax.text;

/**
 * Reads a seed policy file ({@code policies/clients/<client>.rego}, {@code package dspai.policy})
 * into a {@link Policy}, and says which of its rules and assignments it could not import, by name
 * and line, and why. There is no Rego engine for the JVM, so this recognises the constructs the
 * seed's files use: the constants ({@code client_secret}, {@code client_salt},
 * {@code policy_enabled}, {@code project}, {@code allowed_models}, {@code roles},
 * {@code user_roles}, {@code group_roles}, {@code aihpc[.<env>]}), the seed's role resolution
 * ({@code effective_role}, {@code get_user_role} with its {@code role_hierarchy}, {@code indexOf}),
 * {@code valid_input}, {@code has_role}, {@code action_allowed_for_role},
 * {@code model_allowed_for_usecase}, and the {@code allow} rules. What else {@code allow} needs
 * ({@code action_valid}, {@code basic_action}, {@code valid_train}...) becomes one CEL condition
 * when its bodies are comparisons of {@code input} fields with values (and references to such
 * rules); anything else is listed and makes the imported policy deny (it never allows more than
 * the Rego did).
 *
 * <p>Used by {@code POST /policies/add} with Rego text and by {@code manifest policy import FILE.rego}:
 * <pre>{@code
 * RegoImporter.ImportResult result = new RegoImporter().importRego(Files.readString(file), "customer_service");
 * result.policy();        // store it (PolicyService.add)
 * result.notImported();   // show them: rule, line, why
 * result.notes();         // what was read generously (the seed's "script"="..." keys)
 * }</pre>
 */
public final class RegoImporter {

    /** The seed's server evaluated {@code data.dspai.policy}; nothing else was ever consulted. */
    public static final String PACKAGE = "dspai.policy";
    /** The condition that stands for what could not be imported of {@code allow}: it never holds, so nothing is allowed more than before. */
    public static final String NOT_IMPORTED_CONDITION = "rego_not_imported";

    /** A rule or assignment of the file that is not in the policy: its name, the line it starts on, why. */
    public record NotImported(String rule, int line, String reason) {
    }

    /**
     * The imported policy, checked but not stored; what was not imported; and notes on what was
     * read generously (each a sentence).
     */
    public record ImportResult(Policy policy, List<NotImported> notImported, List<String> notes) {

        public ImportResult {
            notImported = List.copyOf(notImported);
            notes = List.copyOf(notes);
        }
    }

    private static final String VALID_INPUT = "valid_input";
    private static final String HAS_ROLE = "has_role";
    private static final String ACTION_ALLOWED = "action_allowed_for_role";
    private static final String MODEL_ALLOWED = "model_allowed_for_usecase";
    /** The checks the evaluator always makes; {@code allow} names them. */
    private static final List<String> BUILT_IN = List.of(VALID_INPUT, HAS_ROLE, ACTION_ALLOWED, MODEL_ALLOWED);

    private static final List<String> HAS_ROLE_BY_EFFECTIVE_ROLE = normals("role := effective_role", "roles[role]");
    private static final List<String> HAS_ROLE_BY_INPUT = normals("some role", "role == input.user.role", "roles[role]");
    private static final List<String> ACTION_BY_EFFECTIVE_ROLE = normals("some i", "role := effective_role",
            "roles[role][i] == input.action");
    private static final List<String> ACTION_BY_INPUT = normals("some i", "roles[input.user.role][i] == input.action");
    private static final List<String> MODEL_IN_ALLOWED = normals("some i", "allowed_models[i] == input.resource.model_id");
    private static final Set<String> INPUT_PRESENT = Set.copyOf(normals("input.user", "input.action", "input.resource"));
    private static final List<String> EFFECTIVE_ROLE_GIVEN = normals("input.user.role", "role := input.user.role");
    private static final List<String> EFFECTIVE_ROLE_LOOKED_UP = normals("input.user.id",
            "groups := object.get(input.user, \"groups\", [])", "role := get_user_role(input.user.id, groups)");
    private static final List<String> USER_ROLE_DIRECT = normals("user_roles[user_id]", "role := user_roles[user_id]");
    /** {@code get_user_role}'s group branch; {@code null} marks the {@code role_hierarchy := [...]} line. */
    private static final List<String> USER_ROLE_BY_GROUPS = normals(
            "user_groups := [group_id | group_id = group_ids[_]; group_roles[group_id]]",
            "count(user_groups) > 0",
            "group_assigned_roles := [group_roles[g] | g = user_groups[_]]",
            null,
            "highest_role_index := max([indexOf(role_hierarchy, r) | r = group_assigned_roles[_]])",
            "role := role_hierarchy[highest_role_index]");
    private static final String HIERARCHY_PREFIX = normal("role_hierarchy :=");
    private static final List<String> INDEX_OF = normals("arr[i] == val");
    private static final String UNAUTHORIZED = RegoSyntax.quote(Policy.UNAUTHORIZED);

    /**
     * The policy {@code text} describes, for {@code clientId} (the file name without {@code .rego}).
     *
     * @throws InvalidPolicyException when the text is not a {@code dspai.policy} file, cannot be
     *                                read as Rego, or gives a policy that is not valid
     */
    public ImportResult importRego(String text, String clientId) {
        if (clientId == null || !Policy.CLIENT_ID.matcher(clientId).matches()) {
            throw new InvalidPolicyException("client_id must match ^[A-Za-z0-9_]+$ (at most 128 characters), was " + clientId);
        }
        List<Statement> statements;
        try {
            statements = RegoSyntax.parse(text == null ? "" : text);
        } catch (RegoSyntax.SyntaxException e) {
            throw new InvalidPolicyException("the Rego of " + clientId + " cannot be read: " + e.getMessage());
        }
        return new Run(statements, clientId).run();
    }

    /** One import: what the file holds, and what has been taken from it so far. */
    private static final class Run {
        /** A constant whose value is null: there, unlike an absent one. */
        private static final Object NULL = new Object();
        private final List<Statement> statements;
        private final String clientId;
        private final Map<String, List<Statement>> rules = new LinkedHashMap<>();
        private final Set<Statement> handled = Collections.newSetFromMap(new IdentityHashMap<>());
        private final List<NotImported> notImported = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final List<PolicyCondition> conditions = new ArrayList<>();
        private boolean failClosed;

        Run(List<Statement> statements, String clientId) {
            this.statements = statements;
            this.clientId = clientId;
            for (Statement statement : statements) {
                if (statement.kind() == StatementKind.RULE) {
                    rules.computeIfAbsent(statement.name(), name -> new ArrayList<>()).add(statement);
                }
            }
        }

        ImportResult run() {
            checkPackage();
            for (Statement statement : statements) {
                if (statement.kind() == StatementKind.IMPORT) {
                    handled.add(statement);
                    if (!statement.name().equals("rego.v1") && !statement.name().startsWith("future.keywords")) {
                        notImported.add(new NotImported("import " + statement.name(), statement.line(),
                                "imports another document, which is not available here"));
                    }
                } else if (statement.kind() == StatementKind.DEFAULT) {
                    handled.add(statement);
                    if (!(statement.name().equals("allow") && "false".equals(text(statement.main().value())))) {
                        notImported.add(new NotImported("default " + statement.name(), statement.line(),
                                "the policy model denies by default and has no other defaults"));
                    }
                }
            }
            String secret = string("client_secret");
            String salt = string("client_salt");
            Boolean enabled = bool("policy_enabled");
            String project = string("project");
            List<String> models = strings("allowed_models");
            Map<String, List<String>> roles = roles();
            Map<String, String> userRoles = assignments("user_roles");
            Map<String, String> groupRoles = assignments("group_roles");
            Map<String, Object> templates = templates();
            constant("version", "the seed's informational version: no decision reads it, so it is not kept");

            boolean effectiveRole = effectiveRole();
            List<String> hierarchy = effectiveRole ? hierarchy() : null;
            boolean lookups = hierarchy != null && indexOf();
            boolean inputRoleOnly = false;

            InputRules input = validInput();
            Set<String> builtIns = new LinkedHashSet<>();
            if (input != null) {
                builtIns.add(VALID_INPUT);
            }
            List<String> hasRole = body(HAS_ROLE);
            List<String> actionAllowed = body(ACTION_ALLOWED);
            if (effectiveRole && HAS_ROLE_BY_EFFECTIVE_ROLE.equals(hasRole) || HAS_ROLE_BY_INPUT.equals(hasRole)) {
                builtIns.add(HAS_ROLE);
                inputRoleOnly |= HAS_ROLE_BY_INPUT.equals(hasRole);
                handled.addAll(rules.get(HAS_ROLE));
            }
            if (effectiveRole && ACTION_BY_EFFECTIVE_ROLE.equals(actionAllowed) || ACTION_BY_INPUT.equals(actionAllowed)) {
                builtIns.add(ACTION_ALLOWED);
                inputRoleOnly |= ACTION_BY_INPUT.equals(actionAllowed);
                handled.addAll(rules.get(ACTION_ALLOWED));
            }
            if (MODEL_IN_ALLOWED.equals(body(MODEL_ALLOWED)) && models != null) {
                builtIns.add(MODEL_ALLOWED);
                handled.addAll(rules.get(MODEL_ALLOWED));
            }
            differing(HAS_ROLE, builtIns, "differs from the seed's has_role (the effective role is a key of roles)");
            differing(ACTION_ALLOWED, builtIns, "differs from the seed's action_allowed_for_role (the action is in roles[role])");
            differing(MODEL_ALLOWED, builtIns, models == null ? "allowed_models is missing or not a list of strings"
                    : "differs from the seed's model_allowed_for_usecase (input.resource.model_id is in allowed_models)");
            boolean modelsChecked = allow(builtIns);

            if (inputRoleOnly || !lookups) {
                // assignments no imported rule reads grant nothing
                String why = inputRoleOnly ? "the rules take the role from input.user.role only, so it grants nothing"
                        : "the seed's role resolution (effective_role, get_user_role, indexOf) was not imported, so it grants nothing";
                userRoles = unused("user_roles", userRoles, why);
                groupRoles = unused("group_roles", groupRoles, why);
                hierarchy = null;
            }
            Map<String, List<String>> allowed = new LinkedHashMap<>();
            if (modelsChecked) {
                String type = input != null && input.types().size() == 1 ? input.types().get(0) : Policy.ANY;
                allowed.put(type, models);
            } else {
                if (models != null) {
                    unused("allowed_models", models, "allow does not ask for " + MODEL_ALLOWED + ", so any model is allowed");
                }
                allowed.put(Policy.ANY, List.of(Policy.ANY));
            }
            if (input != null && input.condition() != null) {
                conditions.add(0, input.condition());
            }
            if (failClosed) {
                conditions.add(new PolicyCondition(NOT_IMPORTED_CONDITION, PolicyCondition.Effect.REQUIRE, "false",
                        "part of the Rego's allow could not be imported (see the import's not-imported list): nothing is allowed "
                                + "until the policy is completed"));
            }
            listUnhandled();
            Policy policy = new Policy(clientId, enabled, project, null, input == null ? null : input.usecases(),
                    input == null ? null : input.types(), roles, hierarchy, userRoles, groupRoles, allowed, null,
                    effectiveRole || inputRoleOnly, conditions, secret, salt, templates);
            if (!policy.problems().isEmpty()) {
                throw new InvalidPolicyException(clientId, policy.problems());
            }
            return new ImportResult(policy, notImported, notes);
        }

        private void checkPackage() {
            Statement pkg = statements.stream().filter(s -> s.kind() == StatementKind.PACKAGE).findFirst().orElse(null);
            if (pkg == null) {
                throw new InvalidPolicyException("the Rego of " + clientId + " has no package: the seed's policies are package " + PACKAGE);
            }
            if (!pkg.name().equals(PACKAGE)) {
                throw new InvalidPolicyException("the Rego of " + clientId + " is package " + pkg.name()
                        + ": the seed evaluated only data." + PACKAGE + " (a *_test.rego file is not a policy)");
            }
            handled.add(pkg);
        }

        // ------------------------------------------------------------ constants

        /** The value of constant {@code name}, or null (absent, or listed as not imported). */
        private Object constant(String name, String unusedReason) {
            List<Statement> defined = rules.get(name);
            if (defined == null) {
                return null;
            }
            Statement first = defined.get(0);
            for (Statement extra : defined.subList(1, defined.size())) {
                handled.add(extra);
                notImported.add(new NotImported(name, extra.line(), "defined again: OPA refuses a constant defined twice, the first is kept"));
            }
            handled.add(first);
            if (!first.isConstant()) {
                notImported.add(new NotImported(name, first.line(), "expected a constant (" + name + " := value), found a rule"));
                return null;
            }
            try {
                List<String> oddKeys = new ArrayList<>();
                Object value = RegoSyntax.literal(first.main().value(), oddKeys);
                if (!oddKeys.isEmpty()) {
                    notes.add(name + " (line " + first.line() + ") writes object keys with = instead of : (" + String.join(", ", oddKeys)
                            + "); read as :, as the seed's server read them by regular expression (OPA would likely refuse the file)");
                }
                if (unusedReason != null) {
                    notImported.add(new NotImported(name, first.line(), unusedReason));
                    return null;
                }
                return value == null ? NULL : value;
            } catch (RegoSyntax.NotLiteral e) {
                notImported.add(new NotImported(name, first.line(), "not a plain value: " + e.getMessage()));
                return null;
            }
        }

        private Object typed(String name, Class<?> type, String expected) {
            Object value = constant(name, null);
            if (value == null) {
                return null;
            }
            if (!type.isInstance(value)) {
                notImported.add(new NotImported(name, rules.get(name).get(0).line(), "expected " + expected));
                return null;
            }
            return value;
        }

        private String string(String name) {
            return (String) typed(name, String.class, "a string");
        }

        private Boolean bool(String name) {
            return (Boolean) typed(name, Boolean.class, "true or false");
        }

        private List<String> strings(String name) {
            Object value = typed(name, List.class, "a list of strings");
            if (value == null) {
                return null;
            }
            if (!((List<?>) value).stream().allMatch(String.class::isInstance)) {
                notImported.add(new NotImported(name, rules.get(name).get(0).line(), "expected a list of strings"));
                return null;
            }
            return ((List<?>) value).stream().map(String.class::cast).toList();
        }

        private Map<String, List<String>> roles() {
            Object value = typed("roles", Map.class, "an object of role -> list of actions");
            if (value == null) {
                return null;
            }
            Map<String, List<String>> roles = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (!(entry.getValue() instanceof List<?> actions) || !actions.stream().allMatch(String.class::isInstance)) {
                    notImported.add(new NotImported("roles", rules.get("roles").get(0).line(),
                            "expected an object of role -> list of actions; " + entry.getKey() + " is not"));
                    return null;
                }
                roles.put((String) entry.getKey(), actions.stream().map(String.class::cast).toList());
            }
            return roles;
        }

        private Map<String, String> assignments(String name) {
            Object value = typed(name, Map.class, "an object of id -> role");
            if (value == null) {
                return null;
            }
            Map<String, String> assigned = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (!(entry.getValue() instanceof String role)) {
                    notImported.add(new NotImported(name, rules.get(name).get(0).line(), "expected an object of id -> role; "
                            + entry.getKey() + " is not"));
                    return null;
                }
                assigned.put((String) entry.getKey(), role);
            }
            return assigned;
        }

        /** {@code aihpc := {...}} and {@code aihpc.<env> := {...}}: the seed's template data, kept as data under {@code aihpc}. */
        private Map<String, Object> templates() {
            Map<String, Object> aihpc = new LinkedHashMap<>();
            for (String name : List.copyOf(rules.keySet())) {
                if (!name.equals("aihpc") && !name.startsWith("aihpc.")) {
                    continue;
                }
                Object value = constant(name, null);
                if (value == null) {
                    continue;
                }
                if (name.equals("aihpc")) {
                    if (value instanceof Map<?, ?> lanes) {
                        lanes.forEach((k, v) -> aihpc.put(String.valueOf(k), v));
                    } else {
                        notImported.add(new NotImported(name, rules.get(name).get(0).line(), "expected an object of lanes"));
                    }
                } else {
                    aihpc.put(name.substring("aihpc.".length()), value == NULL ? null : value);
                }
            }
            return aihpc.isEmpty() ? null : Map.of("aihpc", aihpc);
        }

        private <T> T unused(String name, T value, String why) {
            List<Statement> defined = rules.get(name);
            if (value != null && defined != null) {
                notImported.add(new NotImported(name, defined.get(0).line(), why));
            }
            return null;
        }

        // ------------------------------------------------------------ role resolution

        /** The seed's {@code effective_role}: {@code input.user.role}, else {@code get_user_role(input.user.id, groups)}, else unauthorized. */
        private boolean effectiveRole() {
            Statement rule = single("effective_role");
            if (rule == null) {
                return false;
            }
            List<Branch> b = rule.branches();
            boolean matches = rule.args() == null && b.size() == 3
                    && "role".equals(text(b.get(0).value())) && EFFECTIVE_ROLE_GIVEN.equals(bodyOf(b.get(0)))
                    && "role".equals(text(b.get(1).value())) && EFFECTIVE_ROLE_LOOKED_UP.equals(bodyOf(b.get(1)))
                    && UNAUTHORIZED.equals(text(b.get(2).value())) && b.get(2).body() == null;
            return accept(rule, matches, "differs from the seed's effective_role (input.user.role, else get_user_role, else unauthorized)");
        }

        /** {@code get_user_role}'s role hierarchy; null when the rule is not the seed's. */
        private List<String> hierarchy() {
            Statement rule = single("get_user_role");
            if (rule == null) {
                return null;
            }
            List<Branch> b = rule.branches();
            List<String> hierarchy = null;
            boolean matches = List.of("user_id", "group_ids").equals(rule.args()) && b.size() == 3
                    && "role".equals(text(b.get(0).value())) && USER_ROLE_DIRECT.equals(bodyOf(b.get(0)))
                    && "role".equals(text(b.get(1).value())) && b.get(1).body() != null
                    && b.get(1).body().size() == USER_ROLE_BY_GROUPS.size()
                    && UNAUTHORIZED.equals(text(b.get(2).value())) && b.get(2).body() == null;
            if (matches) {
                List<List<Token>> body = b.get(1).body();
                for (int i = 0; i < body.size() && matches; i++) {
                    String expected = USER_ROLE_BY_GROUPS.get(i);
                    if (expected == null) {
                        hierarchy = hierarchyLiteral(body.get(i));
                        matches = hierarchy != null;
                    } else {
                        matches = expected.equals(text(body.get(i)));
                    }
                }
            }
            return accept(rule, matches, "differs from the seed's get_user_role (user_roles, else the highest group role)") ? hierarchy : null;
        }

        private List<String> hierarchyLiteral(List<Token> expression) {
            String written = text(expression);
            if (!written.startsWith(HIERARCHY_PREFIX + " ")) {
                return null;
            }
            try {
                Object value = RegoSyntax.literal(expression.subList(2, expression.size()), new ArrayList<>());
                if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                    return list.stream().map(String.class::cast).toList();
                }
            } catch (RegoSyntax.NotLiteral e) {
                // falls through: not the seed's literal list
            }
            return null;
        }

        private boolean indexOf() {
            Statement rule = single("indexOf");
            if (rule == null) {
                return false;
            }
            List<Branch> b = rule.branches();
            boolean matches = List.of("arr", "val").equals(rule.args()) && b.size() == 2 && "i".equals(text(b.get(0).value()))
                    && INDEX_OF.equals(bodyOf(b.get(0))) && "- 1".equals(text(b.get(1).value())) && b.get(1).body() == null;
            return accept(rule, matches, "differs from the seed's indexOf helper");
        }

        /** The one definition of {@code name}, or null (absent, or defined twice: listed). */
        private Statement single(String name) {
            List<Statement> defined = rules.get(name);
            if (defined == null) {
                return null;
            }
            if (defined.size() > 1) {
                defined.forEach(handled::add);
                defined.forEach(s -> notImported.add(new NotImported(name, s.line(), "defined more than once, unlike the seed's")));
                return null;
            }
            return defined.get(0);
        }

        private boolean accept(Statement rule, boolean matches, String otherwise) {
            handled.add(rule);
            if (!matches) {
                notImported.add(new NotImported(rule.name(), rule.line(), otherwise));
            }
            return matches;
        }

        // ------------------------------------------------------------ checks

        /** What {@code valid_input} asks of the input: usecases, resource types, and a condition for anything else. */
        private record InputRules(List<String> usecases, List<String> types, PolicyCondition condition) {
        }

        private InputRules validInput() {
            List<Statement> defined = rules.get(VALID_INPUT);
            if (defined == null) {
                return null;
            }
            Statement rule = defined.get(0);
            for (Statement extra : defined.subList(1, defined.size())) {
                handled.add(extra);
                notImported.add(new NotImported(VALID_INPUT, extra.line(),
                        "a second definition (another way to be valid) is not imported: only the first one's input is accepted"));
            }
            handled.add(rule);
            if (!rule.isBooleanRule()) {
                notImported.add(new NotImported(VALID_INPUT, rule.line(), "expected a rule with a body of checks"));
                failClosed = true;
                return null;
            }
            List<String> usecases = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<String> other = new ArrayList<>();
            Set<String> present = new LinkedHashSet<>();
            for (List<Token> expression : rule.main().body()) {
                String written = text(expression);
                String usecase = comparedWith(expression, "input . usecase");
                String type = comparedWith(expression, "input . resource . type");
                if (INPUT_PRESENT.contains(written)) {
                    present.add(written);
                } else if (usecase != null) {
                    usecases.add(usecase);
                } else if (type != null) {
                    types.add(type);
                } else {
                    String cel = new Translation().expression(expression);
                    if (cel == null) {
                        notImported.add(new NotImported(VALID_INPUT, rule.line(), "cannot import the check '" + written + "'"));
                        failClosed = true;
                    } else {
                        other.add(cel);
                    }
                }
            }
            if (present.size() < INPUT_PRESENT.size()) {
                notes.add(VALID_INPUT + " (line " + rule.line() + ") does not require all of input.user, input.action and input.resource; "
                        + "the imported policy does");
            }
            if (usecases.size() > 1 || types.size() > 1) {
                // two different values for one field: the Rego could never be satisfied
                failClosed = true;
                notImported.add(new NotImported(VALID_INPUT, rule.line(), "compares one field with two values: it never holds"));
            }
            PolicyCondition condition = other.isEmpty() ? null
                    : PolicyCondition.require(VALID_INPUT, Translation.and(other));
            return new InputRules(usecases, types, condition);
        }

        /** {@code field == "value"} (either way round): the value; else null. */
        private static String comparedWith(List<Token> expression, String field) {
            String written = text(expression);
            for (String op : List.of(" == ", " = ")) {
                if (expression.size() >= 3 && expression.get(expression.size() - 1).kind() == Kind.STRING
                        && written.equals(field + op + expression.get(expression.size() - 1).normal())) {
                    return expression.get(expression.size() - 1).text();
                }
                if (expression.get(0).kind() == Kind.STRING && written.equals(expression.get(0).normal() + op + field)) {
                    return expression.get(0).text();
                }
            }
            return null;
        }

        /** The normalised body of the one boolean definition of {@code name}; null otherwise. */
        private List<String> body(String name) {
            List<Statement> defined = rules.get(name);
            return defined == null || defined.size() != 1 || !defined.get(0).isBooleanRule() ? null : bodyOf(defined.get(0).main());
        }

        private static List<String> bodyOf(Branch branch) {
            return branch.body() == null ? null : branch.body().stream().map(RegoSyntax::text).toList();
        }

        /**
         * Every definition of {@code allow}: the built-in checks it names are made by the evaluator;
         * the rest becomes one condition. Answers whether the models are checked (else any is allowed).
         */
        private boolean allow(Set<String> builtIns) {
            List<Statement> defined = rules.get("allow");
            if (defined == null) {
                notes.add("the Rego has no allow rule, so it never allowed anything: nor does the imported policy");
                failClosed = true;
                return builtIns.contains(MODEL_ALLOWED);
            }
            List<String> alternatives = new ArrayList<>();
            List<String> lastParts = List.of();
            List<String> lastRefs = List.of();
            boolean modelsChecked = false;
            for (Statement rule : defined) {
                handled.add(rule);
                if (!rule.isBooleanRule()) {
                    notImported.add(new NotImported("allow", rule.line(), "expected allow if { checks }"));
                    continue;
                }
                List<String> parts = new ArrayList<>();
                List<String> refs = new ArrayList<>();
                Set<String> named = new LinkedHashSet<>();
                boolean imported = true;
                for (List<Token> expression : rule.main().body()) {
                    String written = text(expression);
                    if (expression.size() == 1 && builtIns.contains(written)) {
                        named.add(written);
                        continue;
                    }
                    Translation translation = new Translation();
                    String cel = translation.expression(expression);
                    if (cel == null) {
                        imported = false;
                        notImported.add(new NotImported("allow", rule.line(), "cannot import '" + written + "': " + translation.failure));
                    } else {
                        parts.add(cel);
                        if (expression.size() == 1 && expression.get(0).kind() == Kind.IDENT) {
                            refs.add(written);
                        }
                    }
                }
                // a definition not imported still says the models matter: keeping them is the stricter reading
                modelsChecked |= named.contains(MODEL_ALLOWED);
                if (!imported) {
                    continue;
                }
                for (String check : List.of(VALID_INPUT, HAS_ROLE, ACTION_ALLOWED)) {
                    if (!named.contains(check)) {
                        notes.add("allow (line " + rule.line() + ") does not ask for " + check + "; the imported policy always checks it");
                    }
                }
                alternatives.add(Translation.and(parts));
                lastParts = parts;
                lastRefs = refs;
            }
            if (alternatives.isEmpty()) {
                failClosed = true;
                return modelsChecked;
            }
            String expression = Translation.or(alternatives);
            if (!expression.equals("true")) {
                // one allow asking for one more rule (the seed's action_valid): the condition is named after it
                String name = defined.size() == 1 && lastParts.size() == 1 && lastRefs.size() == 1 ? lastRefs.get(0) : "allow";
                conditions.add(PolicyCondition.require(name, expression));
            }
            if (alternatives.size() < defined.size()) {
                notes.add("some definitions of allow were not imported: the imported policy allows only what the others allow");
            }
            return modelsChecked;
        }

        /** A check {@code allow} names that is not the seed's: listed, and {@code allow} cannot use it. */
        private void differing(String name, Set<String> builtIns, String why) {
            List<Statement> defined = rules.get(name);
            if (defined != null && !builtIns.contains(name)) {
                defined.forEach(handled::add);
                defined.forEach(rule -> notImported.add(new NotImported(name, rule.line(), why)));
            }
        }

        private void listUnhandled() {
            for (Statement statement : statements) {
                if (handled.contains(statement)) {
                    continue;
                }
                String reason;
                if (statement.problem() != null) {
                    reason = "not understood: " + statement.problem();
                } else if (statement.isBooleanRule() && statement.main().body().isEmpty()) {
                    reason = "empty body (if {} is always true in OPA): it checks nothing";
                } else if (statement.isConstant()) {
                    reason = "a constant no decision reads";
                } else {
                    reason = "not used by allow, or not a construct the policy model has";
                }
                notImported.add(new NotImported(statement.name(), statement.line(), reason));
            }
            notImported.sort(Comparator.comparingInt(NotImported::line));
        }

        /**
         * One Rego expression (or rule) as CEL over {@code input}: comparisons of {@code input}
         * fields with values or each other, a field's presence, and references to boolean rules
         * made of such expressions (their definitions OR-ed, an empty body true). A missing field
         * makes the CEL fail, and a failing condition denies: Rego's "undefined" did the same.
         */
        private final class Translation {
            private final Deque<String> visiting = new ArrayDeque<>();
            private String failure;

            String expression(List<Token> expression) {
                String written = text(expression);
                if (expression.size() == 1 && (written.equals("true") || written.equals("false"))) {
                    return written;
                }
                if (expression.size() == 1 && expression.get(0).kind() == Kind.IDENT && rules.containsKey(written)) {
                    return rule(written);
                }
                List<String> ref = inputRef(expression);
                if (ref != null) {
                    String parent = cel(ref.subList(0, ref.size() - 1));
                    return "(" + RegoSyntax.quote(ref.get(ref.size() - 1)) + " in " + parent + " && " + cel(ref) + " != false)";
                }
                for (int i = 0; i < expression.size(); i++) {
                    String op = expression.get(i).text();
                    if (expression.get(i).kind() == Kind.OP && List.of("==", "!=", "<", ">", "<=", ">=", "=").contains(op)) {
                        String left = operand(expression.subList(0, i));
                        String right = operand(expression.subList(i + 1, expression.size()));
                        if (left == null || right == null || !(left.startsWith("input") || right.startsWith("input"))) {
                            return fail("only comparisons of input fields with values are imported");
                        }
                        return left + " " + (op.equals("=") ? "==" : op) + " " + right;
                    }
                }
                return fail("only comparisons of input fields with values, and rules made of them, are imported");
            }

            private String rule(String name) {
                if (BUILT_IN.contains(name) || visiting.contains(name)) {
                    return fail(name + " cannot be imported inside another rule");
                }
                List<Statement> defined = rules.get(name);
                List<String> alternatives = new ArrayList<>();
                visiting.push(name);
                try {
                    for (Statement definition : defined) {
                        if (!definition.isBooleanRule()) {
                            return failed(definition, name + " (line " + definition.line() + ") is not a rule of checks");
                        }
                        List<String> parts = new ArrayList<>();
                        for (List<Token> expression : definition.main().body()) {
                            String cel = expression(expression);
                            if (cel == null) {
                                return failed(definition, "cannot import '" + text(expression) + "': " + failure);
                            }
                            parts.add(cel);
                        }
                        alternatives.add(and(parts));
                    }
                } finally {
                    visiting.pop();
                }
                // an empty stub (valid_train if {}) is listed as not imported: it adds nothing
                defined.stream().filter(d -> !d.main().body().isEmpty()).forEach(handled::add);
                return or(alternatives);
            }

            private String operand(List<Token> tokens) {
                List<String> ref = inputRef(tokens);
                if (ref != null) {
                    return cel(ref);
                }
                try {
                    Object value = RegoSyntax.literal(tokens, new ArrayList<>());
                    if (value instanceof String string) {
                        return RegoSyntax.quote(string);
                    }
                    if (value == null || value instanceof Boolean || value instanceof Number) {
                        return tokens.size() == 2 ? "-" + tokens.get(1).text() : value == null ? "null" : text(tokens);
                    }
                } catch (RegoSyntax.NotLiteral e) {
                    // not a value either: the caller refuses the expression
                }
                return null;
            }

            /** The rule {@code definition} is listed with why; the expression that named it fails. */
            private String failed(Statement definition, String why) {
                if (handled.add(definition)) {
                    notImported.add(new NotImported(definition.name(), definition.line(), why));
                }
                failure = definition.name() + " could not be imported";
                return null;
            }

            private String fail(String why) {
                if (failure == null) {
                    failure = why;
                }
                return null;
            }

            static String and(List<String> parts) {
                List<String> kept = parts.stream().filter(part -> !part.equals("true")).toList();
                if (kept.contains("false")) {
                    return "false";
                }
                return kept.isEmpty() ? "true" : String.join(" && ", kept);
            }

            static String or(List<String> alternatives) {
                if (alternatives.contains("true")) {
                    return "true";
                }
                List<String> kept = alternatives.stream().filter(part -> !part.equals("false")).toList();
                if (kept.size() <= 1) {
                    return kept.isEmpty() ? "false" : kept.get(0);
                }
                // && binds tighter than ||: the parentheses are for the reader
                return "(" + kept.stream().map(part -> part.contains(" && ") ? "(" + part + ")" : part)
                        .collect(Collectors.joining(" || ")) + ")";
            }
        }
    }

    /** {@code input.a.b} or {@code input["a"].b}: the keys after {@code input}; null for anything else. */
    private static List<String> inputRef(List<Token> tokens) {
        if (tokens.isEmpty() || !tokens.get(0).is("input") || tokens.size() < 3) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        keys.add("input");
        int i = 1;
        while (i < tokens.size()) {
            if (tokens.get(i).is(".") && i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.IDENT) {
                keys.add(tokens.get(i + 1).text());
                i += 2;
            } else if (tokens.get(i).is("[") && i + 2 < tokens.size() && tokens.get(i + 1).kind() == Kind.STRING
                    && tokens.get(i + 2).is("]")) {
                keys.add(tokens.get(i + 1).text());
                i += 3;
            } else {
                return null;
            }
        }
        return keys;
    }

    private static final Set<String> CEL_RESERVED = Set.of("as", "break", "const", "continue", "else", "false", "for", "function", "if",
            "import", "in", "let", "loop", "package", "namespace", "null", "return", "true", "var", "void", "while");

    /** A field path in CEL: {@code input.a.b}, with {@code ["..."]} for keys that are not identifiers. */
    private static String cel(List<String> ref) {
        StringBuilder path = new StringBuilder(ref.get(0));
        for (String key : ref.subList(1, ref.size())) {
            if (key.matches("[A-Za-z_][A-Za-z0-9_]*") && !CEL_RESERVED.contains(key)) {
                path.append('.').append(key);
            } else {
                path.append('[').append(RegoSyntax.quote(key)).append(']');
            }
        }
        return path.toString();
    }

    private static List<String> normals(String... rego) {
        List<String> normals = new ArrayList<>();
        for (String expression : rego) {
            normals.add(expression == null ? null : normal(expression));
        }
        return Collections.unmodifiableList(normals);
    }
}
