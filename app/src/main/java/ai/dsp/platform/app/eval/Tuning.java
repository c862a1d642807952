package ai.dsp.platform.app.eval;

import ai.dsp.platform.app.eval.EvaluationReport.QueryResult;
import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.eval.RankingMetrics;
import ai.dsp.platform.retrieve.ReciprocalRankFusion;
import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.RetrievalMode;
import ai.dsp.platform.retrieve.RetrievalProperties;
import ai.dsp.platform.retrieve.RetrievalSettings;
import ai.dsp.platform.retrieve.Retriever;
import ai.dsp.platform.store.ScoredChunk;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * {@code eval --tune}: ingests a dataset once, ranks every judged query's keyword leg (with and
 * without RM3) and dense leg to the evaluation depth once, then fuses those rankings again under
 * every setting of the grid (keyword weight against dense's 1, RRF k, candidate depth, RM3) and
 * keeps the setting whose hybrid beats the better leg by the widest margin on both nDCG@10 and
 * MAP. Choosing on the queries it is then scored on flatters the figure, so the setting is also
 * chosen on half of the queries and scored on the other half, both ways (two-fold
 * cross-validation), and that held-out figure is reported beside it.
 */
@Component
public class Tuning {

    static final List<Double> KEYWORD_WEIGHTS = List.of(0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0);
    static final List<Integer> RRF_KS = List.of(10, 30, 60, 100);
    static final List<Integer> CANDIDATES = List.of(100, 200, 500, 1000);
    /** Latency is timed as users query: the top 10. */
    static final int TIMED_K = 10;

    private final Evaluation evaluation;
    private final Retriever retriever;
    private final RetrievalCollections collections;
    private final RetrievalProperties properties;

    public Tuning(Evaluation evaluation, Retriever retriever, RetrievalCollections collections, RetrievalProperties properties) {
        this.evaluation = evaluation;
        this.retriever = retriever;
        this.collections = collections;
        this.properties = properties;
    }

    /** One setting of the grid and its figures per query, in the order of the judged queries. */
    record Candidate(RetrievalSettings settings, List<QueryResult> perQuery) {

        RankingMetrics mean(IntPredicate queries) {
            return Tuning.mean(perQuery, queries);
        }
    }

    /**
     * @param report    every row: each leg, hybrid with the collection's settings with and without RM3, the tuned setting, and its held-out figure
     * @param best      the chosen setting
     * @param margin    how far the chosen hybrid is above the better leg: the smaller of its nDCG@10 and MAP ratios to that leg's
     * @param leaders   the ten best settings of the grid, best first
     */
    public record Result(EvaluationReport report, RetrievalSettings best, double margin, List<Candidate> leaders, int settingsTried) {
    }

    public Result run(BeirDataset dataset, String collection, Progress progress) {
        Evaluation.Ingested ingested = evaluation.ingest(dataset, collection, progress);
        String target = ingested.collection();
        List<BeirDataset.Query> queries = ingested.queries();
        RetrievalSettings base = collections.of(target);
        RetrievalSettings plain = base.withRm3(null);
        RetrievalSettings expanded = base.withRm3(properties.rm3().settings());

        progress.start("legs, with and without RM3", queries.size());
        List<Retriever.Legs> plainLegs = new ArrayList<>();
        List<List<ScoredChunk>> expandedKeyword = new ArrayList<>();
        for (BeirDataset.Query query : queries) {
            plainLegs.add(retriever.legs(target, query.text(), Evaluation.DEPTH, plain));
            expandedKeyword.add(retriever.legs(target, query.text(), Evaluation.DEPTH, expanded).keyword());
            progress.update(plainLegs.size());
        }
        progress.finish();

        List<QueryResult> keyword = score(queries, i -> Evaluation.documentsOf(chunks(plainLegs.get(i).keyword())));
        List<QueryResult> keywordRm3 = score(queries, i -> Evaluation.documentsOf(chunks(expandedKeyword.get(i))));
        List<QueryResult> dense = score(queries, i -> Evaluation.documentsOf(chunks(plainLegs.get(i).dense())));
        List<List<QueryResult>> legs = List.of(keyword, keywordRm3, dense);

        progress.start("fusion settings", KEYWORD_WEIGHTS.size() * RRF_KS.size() * CANDIDATES.size() * 2);
        List<Candidate> grid = new ArrayList<>();
        for (boolean rm3 : List.of(false, true)) {
            for (double weight : KEYWORD_WEIGHTS) {
                for (int rrfK : RRF_KS) {
                    for (int candidates : CANDIDATES) {
                        RetrievalSettings setting = (rm3 ? expanded : plain).withWeights(weight, 1.0, base.graphWeight())
                                .withRrfK(rrfK).withCandidates(candidates);
                        grid.add(new Candidate(setting, fused(queries, plainLegs, expandedKeyword, setting)));
                        progress.update(grid.size());
                    }
                }
            }
        }
        progress.finish();

        IntPredicate all = i -> true;
        Comparator<Candidate> byMargin = Comparator.comparingDouble(c -> margin(c.mean(all), legs, all));
        List<Candidate> ranked = grid.stream().sorted(byMargin.reversed()).toList();
        Candidate best = ranked.get(0);

        List<QueryResult> heldOut = heldOut(grid, legs, queries.size());
        List<EvaluationReport.ModeResult> rows = new ArrayList<>();
        rows.add(row("keyword", keyword, timed(target, queries, RetrievalMode.KEYWORD, plain)));
        rows.add(row("keyword+rm3", keywordRm3, timed(target, queries, RetrievalMode.KEYWORD, expanded)));
        rows.add(row("dense", dense, timed(target, queries, RetrievalMode.DENSE, plain)));
        rows.add(row("hybrid", fused(queries, plainLegs, expandedKeyword, plain.withCandidates(RetrievalSettings.MAX_CANDIDATES)),
                timed(target, queries, RetrievalMode.HYBRID, plain)));
        rows.add(row("hybrid+rm3", fused(queries, plainLegs, expandedKeyword, expanded.withCandidates(RetrievalSettings.MAX_CANDIDATES)),
                timed(target, queries, RetrievalMode.HYBRID, expanded)));
        rows.add(row("hybrid tuned: " + describe(best.settings()), best.perQuery(),
                timed(target, queries, RetrievalMode.HYBRID, best.settings())));
        rows.add(row("hybrid tuned, two-fold held out", heldOut, new double[] {0, 0}));
        return new Result(evaluation.report(ingested, rows), best.settings(), margin(best.mean(all), legs, all),
                ranked.subList(0, Math.min(10, ranked.size())), grid.size());
    }

    /**
     * Each query's figures under the setting chosen on the other half of the queries (odd and
     * even positions): what tuning promises for queries it has not seen.
     */
    static List<QueryResult> heldOut(List<Candidate> grid, List<List<QueryResult>> legs, int queries) {
        QueryResult[] figures = new QueryResult[queries];
        for (int fold = 0; fold < 2; fold++) {
            int tuneOn = fold;
            IntPredicate tuning = i -> i % 2 == tuneOn;
            Candidate chosen = grid.stream().max(Comparator.comparingDouble(c -> margin(c.mean(tuning), legs, tuning))).orElseThrow();
            for (int i = 0; i < queries; i++) {
                if (!tuning.test(i)) {
                    figures[i] = chosen.perQuery().get(i);
                }
            }
        }
        return List.of(figures);
    }

    /** The smaller of hybrid's nDCG@10 and MAP each over the best leg's (1.0: level with it). */
    static double margin(RankingMetrics hybrid, List<List<QueryResult>> legs, IntPredicate queries) {
        double bestNdcg = 0;
        double bestMap = 0;
        for (List<QueryResult> leg : legs) {
            RankingMetrics mean = mean(leg, queries);
            bestNdcg = Math.max(bestNdcg, mean.ndcg10());
            bestMap = Math.max(bestMap, mean.ap());
        }
        return Math.min(ratio(hybrid.ndcg10(), bestNdcg), ratio(hybrid.ap(), bestMap));
    }

    /**
     * Every query's hybrid ranking under {@code setting}: each leg's top {@code candidates}
     * fused (the keyword leg expanded when the setting has RM3), at most the evaluation depth.
     */
    private static List<QueryResult> fused(List<BeirDataset.Query> queries, List<Retriever.Legs> plainLegs,
                                              List<List<ScoredChunk>> expandedKeyword, RetrievalSettings setting) {
        ReciprocalRankFusion fusion = ReciprocalRankFusion.of(setting);
        int depth = setting.candidates();
        return score(queries, i -> {
            List<ScoredChunk> keyword = setting.rm3() != null ? expandedKeyword.get(i) : plainLegs.get(i).keyword();
            List<ScoredChunk> dense = plainLegs.get(i).dense();
            return Evaluation.documentsOf(fusion.fuse(top(keyword, depth), top(dense, depth), List.of(), Evaluation.DEPTH).stream()
                    .map(ReciprocalRankFusion.Fused::chunk).toList());
        });
    }

    private interface Ranking {
        List<String> of(int query);
    }

    private static List<QueryResult> score(List<BeirDataset.Query> queries, Ranking ranking) {
        return IntStream.range(0, queries.size()).mapToObj(i -> {
            List<String> documents = ranking.of(i);
            return new QueryResult(queries.get(i).id(), documents.size(), RankingMetrics.of(documents, queries.get(i).judgments()));
        }).toList();
    }

    private static RankingMetrics mean(List<QueryResult> perQuery, IntPredicate queries) {
        return RankingMetrics.mean(IntStream.range(0, perQuery.size()).filter(queries).mapToObj(i -> perQuery.get(i).metrics()).toList());
    }

    /** p50 and p95 of the mode's queries at {@link #TIMED_K} through the retriever, in ms. */
    private double[] timed(String collection, List<BeirDataset.Query> queries, RetrievalMode mode, RetrievalSettings setting) {
        List<Double> latencies = new ArrayList<>();
        for (BeirDataset.Query query : queries) {
            long started = System.nanoTime();
            retriever.rank(collection, query.text(), mode, TIMED_K, setting);
            latencies.add((System.nanoTime() - started) / 1e6);
        }
        latencies.sort(Double::compare);
        return new double[] {Evaluation.percentile(latencies, 0.50), Evaluation.percentile(latencies, 0.95)};
    }

    private static EvaluationReport.ModeResult row(String name, List<QueryResult> perQuery, double[] latency) {
        return new EvaluationReport.ModeResult(name, mean(perQuery, i -> true), latency[0], latency[1], perQuery);
    }

    /** How a setting reads in a report row. */
    static String describe(RetrievalSettings s) {
        return String.format(java.util.Locale.ROOT, "keyword %.2f, dense %.2f, RRF k %d, candidates %d, RM3 %s",
                s.keywordWeight(), s.denseWeight(), s.rrfK(), s.candidates(), s.rm3() != null ? "on" : "off");
    }

    private static List<ScoredChunk> top(List<ScoredChunk> hits, int n) {
        return hits.size() > n ? hits.subList(0, n) : hits;
    }

    private static List<ai.dsp.platform.store.Chunk> chunks(List<ScoredChunk> hits) {
        return hits.stream().map(ScoredChunk::chunk).toList();
    }

    private static double ratio(double value, double best) {
        return best == 0 ? (value > 0 ? Double.MAX_VALUE : 1.0) : value / best;
    }
}
