package ai.dsp.platform.auth.apikey;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimFunctionsTest {

    private static final Map<String, Object> NO_CATEGORIES = Map.of("categories", Map.of());
    private final ClaimFunctions functions = ClaimFunctions.builtIn(Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));

    private static Map<String, Object> metadata() {
        java.util.LinkedHashMap<String, Object> categories = new java.util.LinkedHashMap<>();
        categories.put("silver", Map.of("groups", List.of("staff"), "tier", 1));
        categories.put("gold", Map.of("groups", List.of("powerusers", "administrators"), "tier", 3));
        categories.put("bronze", Map.of("groups", List.of("administrators"), "tier", 2));
        return Map.of("categories", categories);
    }

    private Object category(List<String> groups, String mode) {
        return functions.find("claims.group_category", "get_user_category").orElseThrow()
                .apply(Map.of("user_groups", groups, "lookup_mode", mode), metadata());
    }

    @Test
    void groupCategoriesMatchFirstAllOrByHighestTier() {
        assertThat(category(List.of("administrators", "staff"), "FIRST_MATCH"))
                .extracting("category.name", "match_mode").containsExactly("silver", "FIRST_MATCH");
        assertThat(category(List.of("administrators", "staff"), "TIERED_MATCH")).extracting("category.name").isEqualTo("gold");
        assertThat((List<?>) ((Map<?, ?>) category(List.of("administrators"), "ALL_MATCHES")).get("categories"))
                .extracting("name").containsExactly("gold", "bronze");
        assertThat(category(List.of("nobody"), "TIERED_MATCH")).extracting("category", "reason").containsExactly(null, "No match");
        assertThat(functions.find("claims.group_category", "get_user_category").orElseThrow()
                .apply(Map.of("user_groups", List.of("staff")), NO_CATEGORIES)).extracting("reason").isEqualTo("No categories in metadata");
    }

    @Test
    void quotaPermissionsAndModelAccessComeFromTheKeysMetadata() {
        assertThat(functions.find("claims.quota", "get_remaining_quota").orElseThrow()
                .apply(Map.of("user_id", "u"), Map.of("quota", Map.of("monthly_tokens", 5000))))
                .isEqualTo(Map.of("remaining_tokens", 5000L, "reset_date", "2027-01-01"));
        assertThat(functions.find("claims.permissions", "get_team_permissions").orElseThrow()
                .apply(Map.of("team_id", "ml-team"), Map.of("team_permissions", Map.of("ml-team", Map.of("max_models_per_request", 2)))))
                .isEqualTo(Map.of("max_models_per_request", 2));
        assertThat(functions.find("claims.permissions", "get_team_permissions").orElseThrow().apply(Map.of("team_id", "other"), Map.of()))
                .extracting("can_manage_users", "max_models_per_request").containsExactly(false, 1);
        assertThat(functions.find("claims.access", "check_model_access").orElseThrow()
                .apply(Map.of("api_key_id", "full"), Map.of("model_access", Map.of("full", List.of("a", "b", "c")))))
                .isEqualTo(Map.of("available_models", List.of("a", "b", "c"), "is_restricted", false));
    }

    @Test
    void anExtensionAddsItsOwnFunctionAndUnknownNamesAreNotFound() {
        ClaimFunctions extended = functions.with("claims.custom.answer", (args, metadata) -> 42);
        assertThat(extended.find("claims.custom", "answer").orElseThrow().apply(Map.of(), Map.of())).isEqualTo(42);
        assertThat(functions.find("claims.custom", "answer")).isEmpty();
        assertThat(functions.find("os", "system")).isEmpty();
    }
}
