package ai.dsp.platform.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The five figures of an evaluation for one query, with trec_eval's definitions (as BEIR reports
 * them through pytrec_eval): a document is relevant when its judged grade is at least 1; nDCG
 * uses the grade itself as gain and {@code log2(rank + 1)} as discount, its ideal ranking the
 * judged grades in descending order; AP and recall divide by all relevant documents of the
 * query, retrieved or not, so a query whose relevant documents are never retrieved scores 0.
 *
 * @param ndcg10    nDCG@10 ({@code ndcg_cut_10})
 * @param ap        average precision over the whole ranking ({@code map})
 * @param recall100 relevant documents in the top 100 over all relevant ({@code recall_100})
 * @param rr10      1 / rank of the first relevant document in the top 10, else 0 ({@code recip_rank} cut at 10)
 * @param p30       relevant documents in the top 30, over 30 ({@code P_30})
 */
public record RankingMetrics(double ndcg10, double ap, double recall100, double rr10, double p30) {

    /**
     * Scores one query's ranking.
     *
     * @param ranking document ids, best first; a repeated id counts at its first rank only
     * @param grades  the query's judgments: document id to grade (0 = judged not relevant)
     */
    public static RankingMetrics of(List<String> ranking, Map<String, Integer> grades) {
        List<String> documents = distinct(ranking);
        int relevantTotal = (int) grades.values().stream().filter(RankingMetrics::relevant).count();
        double dcg = 0;
        double precisionSum = 0;
        int relevantSeen = 0;
        int relevantIn30 = 0;
        int relevantIn100 = 0;
        double reciprocalRank = 0;
        for (int i = 0; i < documents.size(); i++) {
            int rank = i + 1;
            int grade = grades.getOrDefault(documents.get(i), 0);
            if (rank <= 10 && grade > 0) {
                dcg += grade / log2(rank + 1);
            }
            if (!relevant(grade)) {
                continue;
            }
            relevantSeen++;
            precisionSum += (double) relevantSeen / rank;
            if (rank <= 30) {
                relevantIn30++;
            }
            if (rank <= 100) {
                relevantIn100++;
            }
            if (rank <= 10 && reciprocalRank == 0) {
                reciprocalRank = 1.0 / rank;
            }
        }
        double idealDcg = idealDcg(grades.values());
        return new RankingMetrics(
                idealDcg == 0 ? 0 : dcg / idealDcg,
                relevantTotal == 0 ? 0 : precisionSum / relevantTotal,
                relevantTotal == 0 ? 0 : (double) relevantIn100 / relevantTotal,
                reciprocalRank,
                relevantIn30 / 30.0);
    }

    /** The arithmetic mean over queries, as trec_eval's summary line reports it. */
    public static RankingMetrics mean(Collection<RankingMetrics> perQuery) {
        if (perQuery.isEmpty()) {
            return new RankingMetrics(0, 0, 0, 0, 0);
        }
        double n = perQuery.size();
        return new RankingMetrics(
                perQuery.stream().mapToDouble(RankingMetrics::ndcg10).sum() / n,
                perQuery.stream().mapToDouble(RankingMetrics::ap).sum() / n,
                perQuery.stream().mapToDouble(RankingMetrics::recall100).sum() / n,
                perQuery.stream().mapToDouble(RankingMetrics::rr10).sum() / n,
                perQuery.stream().mapToDouble(RankingMetrics::p30).sum() / n);
    }

    private static double idealDcg(Collection<Integer> grades) {
        List<Integer> ideal = new ArrayList<>(grades.stream().filter(grade -> grade > 0).toList());
        ideal.sort((a, b) -> Integer.compare(b, a));
        double dcg = 0;
        for (int i = 0; i < Math.min(10, ideal.size()); i++) {
            dcg += ideal.get(i) / log2(i + 2);
        }
        return dcg;
    }

    private static List<String> distinct(List<String> ranking) {
        Set<String> seen = new HashSet<>();
        return ranking.stream().filter(seen::add).toList();
    }

    private static boolean relevant(int grade) {
        return grade >= 1;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
