package ai.dsp.platform.retrieve;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Retrieval tuning. Each retriever fetches {@code candidates} (at least k) before fusion;
 * {@code rrfK} is the usual reciprocal-rank-fusion constant; {@code graphWeight} is the knowledge
 * graph's weight in hybrid+graph against keyword's and dense's 1 ({@link ReciprocalRankFusion}).
 */
@Validated
@ConfigurationProperties("dsp.retrieval")
public record RetrievalProperties(@Min(1) @Max(1000) Integer candidates, @Min(1) Integer rrfK,
                                  @DecimalMin("0.0") @DecimalMax("100.0") Double graphWeight) {

    public RetrievalProperties {
        candidates = candidates == null ? 50 : candidates;
        rrfK = rrfK == null ? 60 : rrfK;
        graphWeight = graphWeight == null ? ReciprocalRankFusion.DEFAULT_GRAPH_WEIGHT : graphWeight;
    }
}
