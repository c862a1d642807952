package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.EnglishTerms;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.TermStatistics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * RM3 pseudo-relevance feedback on the keyword leg (Lavrenko and Croft's relevance model,
 * interpolated with the query as Abdul-Jaleel et al. and Anserini do it): the first BM25 pass's
 * top documents are taken as relevant, their most frequent distinctive terms weighted by each
 * document's score, and BM25 runs again over the query's terms and those. Needs no model: it
 * helps where the query and the relevant documents share vocabulary beyond the query's own
 * words. The feedback comes from the same filtered searches as the results, so a caller's
 * expansion only reads what the caller may see.
 */
public final class Rm3 {

    /** Terms in more than this share of the collection's chunks are collection stop words, not feedback. */
    static final double MAX_DOCUMENT_RATIO = 0.1;
    /** First-pass chunks read per feedback document wanted: enough to find that many distinct documents. */
    static final int FIRST_PASS_CHUNKS_PER_DOCUMENT = 10;
    /** A feedback document's terms are counted over at most its first this many chunks. */
    static final int FEEDBACK_CHUNKS_PER_DOCUMENT = 32;
    private static final Pattern FEEDBACK_TERM = Pattern.compile("[a-z0-9]{2,20}");

    /**
     * @param feedbackDocs        first-pass documents taken as relevant
     * @param feedbackTerms       terms kept from each document and in the relevance model
     * @param originalQueryWeight the query's own terms' share of the expanded query
     */
    public record Settings(int feedbackDocs, int feedbackTerms, double originalQueryWeight) {

        public Settings {
            if (feedbackDocs < 1 || feedbackTerms < 1) {
                throw new IllegalArgumentException("RM3 needs at least one feedback document and term");
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

    /**
     * The expanded query's ranking of {@code request.text()}: at most one chunk per document, its
     * score the document's (three BM25 passes, one read of the feedback documents' chunks and one
     * term-statistics read).
     * <p>
     * The index holds passages, RM3 is defined over documents, and the two differ where a
     * document's vocabulary is spread over its chunks (on CACM the abstract in one chunk and the
     * citation table in the next; docs/BENCHMARKS.md, issue 16). So the feedback is the first
     * pass's top {@code feedbackDocs} documents (each scored by its best chunk, its terms counted
     * over its chunks), and a document of the second pass scores its best chunk for the query's
     * own terms plus its best chunk for the expansion terms, as a whole-document BM25 sum would.
     */
    public List<ScoredChunk> search(SearchRequest request, Settings settings) {
        List<ScoredChunk> first = store.searchKeyword(new SearchRequest(request.collection(), request.text(), null,
                settings.feedbackDocs() * FIRST_PASS_CHUNKS_PER_DOCUMENT, request.filters()).keys());
        Map<String, Float> feedback = new LinkedHashMap<>();
        for (ScoredChunk hit : first) {
            feedback.putIfAbsent(hit.chunk().documentId(), hit.score());
            if (feedback.size() == settings.feedbackDocs()) {
                break;
            }
        }
        if (feedback.isEmpty()) {
            return List.of();
        }
        List<String> queryTerms = english.terms(request.text());
        Map<String, Double> expanded = expand(queryTerms, List.copyOf(feedback.values()), documentStatistics(request, feedback.keySet()),
                settings);
        return secondPass(request, expanded, Set.copyOf(queryTerms));
    }

    /** The feedback documents' term counts (over their first chunks, in {@code documents}' order) and the collection's frequencies. */
    private TermStatistics documentStatistics(SearchRequest request, Collection<String> documents) {
        List<String> chunkIds = new ArrayList<>();
        documents.forEach(document -> IntStream.range(0, FEEDBACK_CHUNKS_PER_DOCUMENT).forEach(i -> chunkIds.add(Chunk.id(document, i))));
        List<Chunk> chunks = store.findChunks(request.collection(), chunkIds, request.filters());
        TermStatistics perChunk = store.termStatistics(request.collection(), chunks);
        Map<String, Map<String, Integer>> byDocument = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            Map<String, Integer> counts = byDocument.computeIfAbsent(chunks.get(i).documentId(), id -> new HashMap<>());
            perChunk.chunkTerms().get(i).forEach((term, count) -> counts.merge(term, count, Integer::sum));
        }
        List<Map<String, Integer>> documentTerms = documents.stream().map(id -> byDocument.getOrDefault(id, Map.of())).toList();
        return new TermStatistics(documentTerms, perChunk.documentFrequencies(), perChunk.chunks());
    }

    /** Searches the query's own terms and the expansion terms apart and adds up each document's best chunk of each. */
    private List<ScoredChunk> secondPass(SearchRequest request, Map<String, Double> expanded, Set<String> queryTerms) {
        Map<String, Double> own = new HashMap<>();
        Map<String, Double> added = new HashMap<>();
        expanded.forEach((term, weight) -> (queryTerms.contains(term) ? own : added).put(term, weight));
        List<ScoredChunk> ownHits = store.searchKeyword(request.withTerms(own));
        if (added.isEmpty()) {
            return ownHits;
        }
        List<ScoredChunk> addedHits = store.searchKeyword(request.withTerms(added));
        Map<String, ScoredChunk> shown = new LinkedHashMap<>();
        Map<String, Double> scores = new HashMap<>();
        for (List<ScoredChunk> hits : List.of(ownHits, addedHits)) {
            Set<String> counted = new HashSet<>();
            for (ScoredChunk hit : hits) {
                String document = hit.chunk().documentId();
                if (counted.add(document)) {  // hits come best first: a document's first is its best
                    scores.merge(document, (double) hit.score(), Double::sum);
                    shown.putIfAbsent(document, hit);
                }
            }
        }
        return shown.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, ScoredChunk>>comparingDouble(e -> -scores.get(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .limit(request.k())
                .map(e -> new ScoredChunk(e.getValue().chunk(), scores.get(e.getKey()).floatValue()))
                .toList();
    }

    /**
     * The expanded query: {@code w * query + (1 - w) * relevance model}, each side scaled to sum 1.
     * {@code scores}: the feedback documents' first-pass scores, in the order of {@code statistics}.
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

    /** Each feedback document's kept terms as term-frequency shares, summed weighted by its score; the best terms, scaled to sum 1. */
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

    /** A document's terms that may expand a query: plain words of 2-20 letters or digits that few chunks hold. */
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
