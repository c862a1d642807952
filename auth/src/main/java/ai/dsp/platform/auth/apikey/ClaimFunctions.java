package ai.dsp.platform.auth.apikey;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of claim functions by the seed's {@code module.function} name. The seed's four are
 * built in; their demonstration data (the models per key, the permissions per team, the quota)
 * comes from the key's {@code metadata} instead of tables in code.
 */
public final class ClaimFunctions {

    public static final String QUOTA = "claims.quota.get_remaining_quota";
    public static final String ACCESS = "claims.access.check_model_access";
    public static final String PERMISSIONS = "claims.permissions.get_team_permissions";
    public static final String GROUP_CATEGORY = "claims.group_category.get_user_category";
    /** The seed's allowance when a key's metadata names none. */
    static final long DEFAULT_QUOTA_TOKENS = 10_000;

    private final Map<String, ClaimFunction> functions;

    private ClaimFunctions(Map<String, ClaimFunction> functions) {
        this.functions = Map.copyOf(functions);
    }

    /** The seed's four functions. */
    public static ClaimFunctions builtIn(Clock clock) {
        Map<String, ClaimFunction> functions = new LinkedHashMap<>();
        functions.put(QUOTA, (args, metadata) -> quota(metadata, clock));
        functions.put(ACCESS, ClaimFunctions::modelAccess);
        functions.put(PERMISSIONS, ClaimFunctions::teamPermissions);
        functions.put(GROUP_CATEGORY, ClaimFunctions::groupCategory);
        return new ClaimFunctions(functions);
    }

    /** These functions and one more (an extension's own claim source). */
    public ClaimFunctions with(String name, ClaimFunction function) {
        Map<String, ClaimFunction> extended = new LinkedHashMap<>(functions);
        extended.put(name, function);
        return new ClaimFunctions(extended);
    }

    public Optional<ClaimFunction> find(String module, String function) {
        return Optional.ofNullable(functions.get(module + "." + function));
    }

    public Collection<String> names() {
        return functions.keySet();
    }

    /** {@code remaining_tokens}: the key's {@code metadata.quota.monthly_tokens} (default 10000); {@code reset_date}: the next month's first day. */
    static Map<String, Object> quota(Map<String, Object> metadata, Clock clock) {
        Object allowance = ApiKeyFiles.map(metadata.get("quota"), "metadata.quota").get("monthly_tokens");
        LocalDate reset = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).plusMonths(1);
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("remaining_tokens", allowance instanceof Number number ? number.longValue() : DEFAULT_QUOTA_TOKENS);
        quota.put("reset_date", reset.toString());
        return quota;
    }

    /** {@code available_models}: {@code metadata.model_access[api_key_id]}, else {@code metadata.models}, else the seed's default. */
    static Map<String, Object> modelAccess(Map<String, Object> args, Map<String, Object> metadata) {
        Object byKey = ApiKeyFiles.map(metadata.get("model_access"), "metadata.model_access").get(String.valueOf(args.get("api_key_id")));
        Object models = byKey != null ? byKey : metadata.getOrDefault("models", List.of("gpt-3.5-turbo"));
        List<?> available = models instanceof List<?> list ? list : List.of(models);
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("available_models", available);
        access.put("is_restricted", available.size() < 3);
        return access;
    }

    /** {@code metadata.team_permissions[team_id]}, else the least a team may do. */
    static Object teamPermissions(Map<String, Object> args, Map<String, Object> metadata) {
        Object team = ApiKeyFiles.map(metadata.get("team_permissions"), "metadata.team_permissions").get(String.valueOf(args.get("team_id")));
        if (team != null) {
            return team;
        }
        Map<String, Object> least = new LinkedHashMap<>();
        least.put("can_manage_users", false);
        least.put("can_create_api_keys", false);
        least.put("can_view_billing", false);
        least.put("max_models_per_request", 1);
        return least;
    }

    /**
     * The categories of {@code metadata.categories} that share a group with {@code user_groups}:
     * {@code FIRST_MATCH} the first in file order, {@code ALL_MATCHES} every one,
     * {@code TIERED_MATCH} the one with the highest {@code tier}.
     */
    static Map<String, Object> groupCategory(Map<String, Object> args, Map<String, Object> metadata) {
        String mode = String.valueOf(args.getOrDefault("lookup_mode", "FIRST_MATCH"));
        List<?> userGroups = args.get("user_groups") instanceof List<?> list ? list : List.of();
        Map<String, Object> categories = ApiKeyFiles.map(metadata.get("categories"), "metadata.categories");
        Map<String, Object> result = new LinkedHashMap<>();
        if (categories.isEmpty()) {
            result.put("categories", List.of());
            result.put("match_mode", mode);
            result.put("reason", "No categories in metadata");
            return result;
        }
        List<Map<String, Object>> matches = new ArrayList<>();
        categories.forEach((name, value) -> {
            Map<String, Object> category = ApiKeyFiles.map(value, "metadata.categories." + name);
            if (category.get("groups") instanceof List<?> groups && groups.stream().anyMatch(userGroups::contains)) {
                Map<String, Object> match = new LinkedHashMap<>();
                match.put("name", name);
                match.putAll(category);
                matches.add(match);
            }
        });
        switch (mode) {
            case "FIRST_MATCH" -> single(result, matches.isEmpty() ? null : matches.get(0));
            case "TIERED_MATCH" -> single(result, matches.stream().max((a, b) -> Double.compare(tier(a), tier(b))).orElse(null));
            case "ALL_MATCHES" -> result.put("categories", matches);
            default -> {
                result.put("categories", matches);
                result.put("reason", "Unknown lookup_mode");
            }
        }
        result.put("match_mode", mode);
        return result;
    }

    private static void single(Map<String, Object> result, Map<String, Object> category) {
        result.put("category", category);
        if (category == null) {
            result.put("reason", "No match");
        }
    }

    private static double tier(Map<String, Object> category) {
        return category.get("tier") instanceof Number number ? number.doubleValue() : 0;
    }
}
