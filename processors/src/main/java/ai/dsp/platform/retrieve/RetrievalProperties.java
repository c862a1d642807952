package ai.dsp.platform.retrieve;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.util.Map;

/**
 * Retrieval tuning ({@code dsp.retrieval.*}), the defaults of every collection's
 * {@link RetrievalSettings}: each retriever fetches {@code candidates} (at least k) before fusion;
 * {@code rrfK} is the reciprocal-rank-fusion constant; the weights are each leg's in RRF (the
 * graph's in hybrid+graph); {@code rm3} expands the keyword leg's query by pseudo-relevance
 * feedback. {@code collections}: a collection's own values, any of them, over these.
 */
@Validated
@ConfigurationProperties("dsp.retrieval")
public record RetrievalProperties(@Min(1) @Max(1000) Integer candidates, @Min(1) Integer rrfK,
                                  @DecimalMin("0.0") @DecimalMax("100.0") Double keywordWeight,
                                  @DecimalMin("0.0") @DecimalMax("100.0") Double denseWeight,
                                  @DecimalMin("0.0") @DecimalMax("100.0") Double graphWeight,
                                  @Valid Rm3Properties rm3,
                                  Map<String, @Valid Collection> collections) {

    public RetrievalProperties {
        candidates = candidates == null ? 50 : candidates;
        rrfK = rrfK == null ? 60 : rrfK;
        keywordWeight = keywordWeight == null ? 1.0 : keywordWeight;
        denseWeight = denseWeight == null ? 1.0 : denseWeight;
        graphWeight = graphWeight == null ? ReciprocalRankFusion.DEFAULT_GRAPH_WEIGHT : graphWeight;
        rm3 = rm3 == null ? new Rm3Properties(false, null, null, null) : rm3;
        collections = collections == null ? Map.of() : Map.copyOf(collections);
    }

    /**
     * RM3 ({@link Rm3}), with Anserini's defaults: 10 feedback chunks, 10 expansion terms, the
     * original query weighing 0.5.
     */
    public record Rm3Properties(boolean enabled, @Min(1) @Max(100) Integer feedbackDocs, @Min(1) @Max(100) Integer feedbackTerms,
                                @DecimalMin("0.0") @DecimalMax("1.0") Double originalQueryWeight) {

        public Rm3Properties {
            feedbackDocs = feedbackDocs == null ? 10 : feedbackDocs;
            feedbackTerms = feedbackTerms == null ? 10 : feedbackTerms;
            originalQueryWeight = originalQueryWeight == null ? 0.5 : originalQueryWeight;
        }

        public Rm3.Settings settings() {
            return new Rm3.Settings(feedbackDocs, feedbackTerms, originalQueryWeight);
        }
    }

    /** One collection's values; those left out are the defaults above. {@code rm3}: RM3 on or off for it. */
    public record Collection(@Min(1) @Max(1000) Integer candidates, @Min(1) Integer rrfK,
                             @DecimalMin("0.0") @DecimalMax("100.0") Double keywordWeight,
                             @DecimalMin("0.0") @DecimalMax("100.0") Double denseWeight,
                             @DecimalMin("0.0") @DecimalMax("100.0") Double graphWeight,
                             Boolean rm3) {
    }

    /** Every collection's settings but those the collection's own entry changes. */
    public RetrievalSettings defaults() {
        return new RetrievalSettings(candidates, rrfK, keywordWeight, denseWeight, graphWeight, rm3.enabled() ? rm3.settings() : null);
    }

    /** The collection's settings from configuration alone. */
    public RetrievalSettings settingsOf(String collection) {
        Collection own = collections.get(collection);
        RetrievalSettings base = defaults();
        return own == null ? base : apply(base, own.candidates(), own.rrfK(), own.keywordWeight(), own.denseWeight(), own.graphWeight(), own.rm3());
    }

    /** {@code base} with each value that is not null put in its place; {@code rm3} true turns RM3 on with the configured parameters. */
    public RetrievalSettings apply(RetrievalSettings base, Integer candidates, Integer rrfK, Double keywordWeight, Double denseWeight,
                                   Double graphWeight, Boolean rm3) {
        return new RetrievalSettings(
                candidates != null ? candidates : base.candidates(),
                rrfK != null ? rrfK : base.rrfK(),
                keywordWeight != null ? keywordWeight : base.keywordWeight(),
                denseWeight != null ? denseWeight : base.denseWeight(),
                graphWeight != null ? graphWeight : base.graphWeight(),
                rm3 == null ? base.rm3() : rm3 ? this.rm3.settings() : null,
                base.reranking(),
                base.expansion());
    }
}
