package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EnglishTerms;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.TermStatistics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * RM3 pseudo-relevance feedback on the keyword leg (Lavrenko and Croft's relevance model,
 * interpolated with the query as Abdul-Jaleel et al. and Anserini do it): the first BM25 pass's
 * top chunks are taken as relevant, their most frequent distinctive terms weighted by each
 * chunk's score, and BM25 runs again over the query's terms and those. Needs no model: it helps
 * where the query and the relevant documents share vocabulary beyond the query's own words. The
 * feedback chunks come from the same filtered search as the results, so a caller's expansion only
 * reads what the caller may see.
 */
public final class Rm3 {

    /** Terms in more than this share of the collection's chunks are collection stop words, not feedback. */
    static final double MAX_DOCUMENT_RATIO = 0.1;
    private static final Pattern FEEDBACK_TERM = Pattern.compile("[a-z0-9]{2,20}");

    /**
     * @param feedbackDocs        first-pass chunks taken as relevant
     * @param feedbackTerms       terms kept from each chunk and in the relevance model
     * @param originalQueryWeight the query's own terms' share of the expanded query
     */
    public record Settings(int feedbackDocs, int feedbackTerms, double originalQueryWeight) {

        public Settings {
            if (feedbackDocs < 1 || feedbackTerms < 1) {
                throw new IllegalArgumentException("RM3 needs at least one feedback chunk and term");
            }
            if (!(originalQueryWeight >= 0 && originalQueryWeight <= 1)) {
                throw new IllegalArgumentException("RM3's original query weight must be between 0 and 1, was " + originalQueryWeight);
            }
        }
    }

    private final ChunkStore store;
    private final EnglishTerms english = new EnglishTerms();

    public Rm3(ChunkStore store) {
        this.store = store;
    }

    /** The expanded query's ranking of {@code request.text()} (two BM25 passes and one term-statistics read). */
    public List<ScoredChunk> search(SearchRequest request, Settings settings) {
        List<ScoredChunk> feedback = store.searchKeyword(new SearchRequest(request.collection(), request.text(), null,
                settings.feedbackDocs(), request.filters()));
        if (feedback.isEmpty()) {
            return feedback;
        }
        TermStatistics statistics = store.termStatistics(request.collection(), feedback.stream().map(ScoredChunk::chunk).toList());
        Map<String, Double> expanded = expand(english.terms(request.text()), feedback.stream().map(ScoredChunk::score).toList(),
                statistics, settings);
        return store.searchKeyword(request.withTerms(expanded));
    }

    /**
     * The expanded query: {@code w * query + (1 - w) * relevance model}, each side scaled to sum 1.
     * {@code scores}: the feedback chunks' first-pass scores, in the order of {@code statistics}.
     */
    static Map<String, Double> expand(List<String> queryTerms, List<Float> scores, TermStatistics statistics, Settings settings) {
        Map<String, Double> query = unitSum(toDoubles(TermStatistics.counts(queryTerms)));
        Map<String, Double> model = relevanceModel(scores, statistics, settings);
        double w = settings.originalQueryWeight();
        Map<String, Double> expanded = new HashMap<>();
        query.forEach((term, weight) -> expanded.merge(term, w * weight, Double::sum));
        model.forEach((term, weight) -> expanded.merge(term, (1 - w) * weight, Double::sum));
        return expanded;
    }

    /** Each feedback chunk's kept terms as term-frequency shares, summed weighted by its score; the best terms, scaled to sum 1. */
    private static Map<String, Double> relevanceModel(List<Float> scores, TermStatistics statistics, Settings settings) {
        Map<String, Double> model = new HashMap<>();
        int chunks = Math.min(scores.size(), statistics.chunkTerms().size());
        for (int i = 0; i < chunks; i++) {
            Map<String, Double> terms = top(feedbackTerms(statistics.chunkTerms().get(i), statistics), settings.feedbackTerms());
            double norm = terms.values().stream().mapToDouble(Double::doubleValue).sum();
            if (norm <= 0) {
                continue;
            }
            double score = scores.get(i);
            terms.forEach((term, frequency) -> model.merge(term, frequency / norm * score, Double::sum));
        }
        return unitSum(top(model, settings.feedbackTerms()));
    }

    /** A chunk's terms that may expand a query: plain words of 2-20 letters or digits that few chunks hold. */
    private static Map<String, Double> feedbackTerms(Map<String, Integer> frequencies, TermStatistics statistics) {
        Map<String, Double> kept = new HashMap<>();
        frequencies.forEach((term, frequency) -> {
            boolean common = statistics.chunks() > 0
                    && (double) statistics.documentFrequency(term) / statistics.chunks() > MAX_DOCUMENT_RATIO;
            if (FEEDBACK_TERM.matcher(term).matches() && !common) {
                kept.put(term, frequency.doubleValue());
            }
        });
        return kept;
    }

    /** The {@code n} heaviest terms, ties broken by the term so that a query always expands the same way. */
    private static Map<String, Double> top(Map<String, Double> weights, int n) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(weights.entrySet());
        entries.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> top = new LinkedHashMap<>();
        entries.stream().limit(n).forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    private static Map<String, Double> unitSum(Map<String, Double> weights) {
        double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> scaled = new LinkedHashMap<>();
        if (sum > 0) {
            weights.forEach((term, weight) -> scaled.put(term, weight / sum));
        }
        return scaled;
    }

    private static Map<String, Double> toDoubles(Map<String, Integer> counts) {
        Map<String, Double> doubles = new HashMap<>();
        counts.forEach((term, count) -> doubles.put(term, count.doubleValue()));
        return doubles;
    }
}
