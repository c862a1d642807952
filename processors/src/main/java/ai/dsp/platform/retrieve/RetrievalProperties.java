package ai.dsp.platform.retrieve;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Retrieval tuning. Each retriever fetches {@code candidates} (at least k) before fusion;
 * {@code rrfK} is the usual reciprocal-rank-fusion constant.
 */
@Validated
@ConfigurationProperties("dsp.retrieval")
public record RetrievalProperties(@Min(1) @Max(1000) Integer candidates, @Min(1) Integer rrfK) {

    public RetrievalProperties {
        candidates = candidates == null ? 50 : candidates;
        rrfK = rrfK == null ? 60 : rrfK;
    }
}
