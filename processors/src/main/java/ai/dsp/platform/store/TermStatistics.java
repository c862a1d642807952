package ai.dsp.platform.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What pseudo-relevance feedback weighs: each chunk's analysed terms with their frequency in it,
 * and how many of the collection's {@code chunks} hold each of those terms.
 */
public record TermStatistics(List<Map<String, Integer>> chunkTerms, Map<String, Long> documentFrequencies, long chunks) {

    public TermStatistics {
        chunkTerms = List.copyOf(chunkTerms);
        documentFrequencies = Map.copyOf(documentFrequencies);
    }

    /** Each term with how often it occurs in {@code terms}. */
    public static Map<String, Integer> counts(List<String> terms) {
        Map<String, Integer> counts = new HashMap<>();
        terms.forEach(term -> counts.merge(term, 1, Integer::sum));
        return counts;
    }

    public long documentFrequency(String term) {
        return documentFrequencies.getOrDefault(term, 0L);
    }
}
