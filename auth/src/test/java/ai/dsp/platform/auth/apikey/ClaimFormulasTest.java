package ai.dsp.platform.auth.apikey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClaimFormulasTest {

    private final ClaimFormulas formulas = new ClaimFormulas();

    @Test
    void theSeedsFormulaFileGivesTheValuesItsAuthorMeant(@TempDir Path dir) throws Exception {
        Path file = SeedKeyFiles.copy("formula_test_key.yaml", dir, "formula_test_key.yaml", 0);
        ApiKey key = ApiKeyFiles.read(file);
        DynamicClaims dynamic = new DynamicClaims(ClaimFunctions.builtIn(Clock.systemUTC()),
                new ClaimApiCalls(List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC()), formulas, null);

        Map<String, Object> adminCall = dynamic.evaluate(key, Map.of("requested_model", "gpt-4", "requested_operation", "admin"));

        // the seed's evaluator: max_tokens_allowed false, is_allowed_model the literal text,
        // effective_rate_limit false, needs_enhanced_auth false, two claims missing
        assertThat(adminCall).containsEntry("requests_per_minute", 2L)
                .containsEntry("max_tokens_allowed", 4096L)
                .containsEntry("token_exp_seconds", 43200L)
                .containsEntry("is_allowed_model", true)
                .containsEntry("effective_rate_limit", 180.0)
                .containsEntry("needs_enhanced_auth", false);
        assertThat(dynamic.evaluate(key, Map.of("requested_model", "gpt-5", "requested_operation", "query")))
                .containsEntry("is_allowed_model", false);
    }

    @Test
    void aFormulaNamingWhatTheContextLacksIsLeftOutAndItsSiblingsStay(@TempDir Path dir) throws Exception {
        ApiKey key = ApiKeyFiles.read(SeedKeyFiles.copy("formula_test_key.yaml", dir, "formula_test_key.yaml", 0));
        DynamicClaims dynamic = new DynamicClaims(ClaimFunctions.builtIn(Clock.systemUTC()),
                new ClaimApiCalls(List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC()), formulas, null);

        Map<String, Object> claims = dynamic.evaluate(key, Map.of());

        assertThat(claims).doesNotContainKeys("is_allowed_model", "needs_enhanced_auth").containsEntry("max_tokens_allowed", 4096L);
    }

    @Test
    void laterFormulasSeeEarlierOnesAndNumbersMixInBothOrders() throws Exception {
        assertThat(formulas.evaluate("2.5 * n + n", Map.of("n", 4))).isEqualTo(14.0);
        assertThat(formulas.evaluate("n - 0.5 < n", Map.of("n", 1))).isEqualTo(true);
        assertThat(formulas.evaluate("n / 2.0", Map.of("n", 5))).isEqualTo(2.5);
        assertThat(formulas.evaluate("size(models) > 1 && 'gpt-4' in models", Map.of("models", List.of("a", "gpt-4")))).isEqualTo(true);
        assertThat(formulas.evaluate("limits.daily * 2", Map.of("limits", Map.of("daily", 50)))).isEqualTo(100L);
    }

    @Test
    void aBrokenFormulaIsReportedNotGuessed() {
        assertThatThrownBy(() -> formulas.evaluate("rate_limit +", Map.of("rate_limit", 1)))
                .isInstanceOf(ClaimFormulas.FormulaException.class);
        assertThatThrownBy(() -> formulas.evaluate("unknown_name * 2", Map.of()))
                .isInstanceOf(ClaimFormulas.FormulaException.class).hasMessageContaining("unknown_name");
    }
}
