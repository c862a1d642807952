package ai.dsp.platform.app.eval;

import ai.dsp.platform.eval.RankingMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Writes an evaluation as {@code report.json}, {@code report.md} and {@code report.png} (the modes side by side). */
public final class EvaluationFiles {

    /** The five figures in report order, with their trec_eval-style names. */
    static final Map<String, ToDoubleFunction<RankingMetrics>> FIGURES = figures();

    /** Report files: indented, ISO instants. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private EvaluationFiles() {
    }

    public static List<Path> write(EvaluationReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve("report.json");
        Path markdown = dir.resolve("report.md");
        Path chart = dir.resolve("report.png");
        JSON.writeValue(json.toFile(), report);
        Files.writeString(markdown, markdown(report));
        ChartUtils.saveChartAsPNG(chart.toFile(), chart(report), 900, 500);
        return List.of(json, markdown, chart);
    }

    /**
     * A tuning's files: the report's ({@link #write}) with the grid's leaders added to
     * {@code report.md}, and {@code tuned.yaml}: the chosen setting as a rag_config module's
     * fields and as configuration, with its figures.
     */
    public static List<Path> write(Tuning.Result tuning, Path dir) throws IOException {
        List<Path> files = new java.util.ArrayList<>(write(tuning.report(), dir));
        Files.writeString(dir.resolve("report.md"), markdown(tuning));
        Path tuned = dir.resolve("tuned.yaml");
        Files.writeString(tuned, tunedYaml(tuning));
        files.add(tuned);
        return files;
    }

    static String markdown(Tuning.Result tuning) {
        StringBuilder md = new StringBuilder(markdown(tuning.report()));
        md.append(String.format(Locale.ROOT, "%nTuned over %d settings; the chosen one is %.3f x the better leg (the smaller of its nDCG@10"
                + " and MAP ratios). The ten best:%n%n", tuning.settingsTried(), tuning.margin()));
        md.append("| setting | nDCG@10 | MAP | Recall@100 |\n| --- | ---: | ---: | ---: |\n");
        for (Tuning.Candidate candidate : tuning.leaders()) {
            RankingMetrics mean = candidate.mean(i -> true);
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", Tuning.describe(candidate.settings()),
                    mean.ndcg10(), mean.ap(), mean.recall100()));
        }
        return md.toString();
    }

    static String tunedYaml(Tuning.Result tuning) {
        var best = tuning.best();
        RankingMetrics figures = tuning.leaders().get(0).mean(i -> true);
        return String.format(Locale.ROOT, """
                # eval --tune on %s (%d judged queries, %s): hybrid nDCG@10 %.4f, MAP %.4f, Recall@100 %.4f,
                # %.3f x the better of keyword and dense. Put these fields in a rag_config module's config,
                rag_config:
                  keyword_weight: %s
                  dense_weight: %s
                  rrf_k_constant: %d
                  candidate_depth: %d
                  query_expansion_enabled: %s
                # or in the platform's configuration (application.yaml), NAME being the collection's name:
                dsp:
                  retrieval:
                    collections:
                      "[NAME]":
                        keyword-weight: %s
                        dense-weight: %s
                        rrf-k: %d
                        candidates: %d
                        rm3: %s
                """, tuning.report().dataset(), tuning.report().judgedQueries(), tuning.report().finishedAt(), figures.ndcg10(), figures.ap(),
                figures.recall100(), tuning.margin(), best.keywordWeight(), best.denseWeight(), best.rrfK(), best.candidates(), best.rm3() != null,
                best.keywordWeight(), best.denseWeight(), best.rrfK(), best.candidates(), best.rm3() != null);
    }

    static String markdown(EvaluationReport report) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation of ").append(report.dataset()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Collection `%s`: %d documents (%d indexed, %d failed), %d chunks, ingested in %.1f s. "
                        + "%d judged queries, each ranked to %d chunks; figures as trec_eval defines them.%n%n",
                report.collection(), report.documents(), report.indexed(), report.failed(), report.chunks(),
                report.ingestSeconds(), report.judgedQueries(), report.depth()));
        md.append("| mode | ").append(String.join(" | ", FIGURES.keySet())).append(" | query p50 | query p95 |\n");
        md.append("| --- |").append(" ---: |".repeat(FIGURES.size() + 2)).append('\n');
        for (EvaluationReport.ModeResult mode : report.modes()) {
            md.append("| ").append(mode.mode()).append(" |");
            FIGURES.values().forEach(figure -> md.append(String.format(Locale.ROOT, " %.4f |", figure.applyAsDouble(mode.mean()))));
            md.append(String.format(Locale.ROOT, " %.1f ms | %.1f ms |%n", mode.latencyP50Ms(), mode.latencyP95Ms()));
        }
        return md.toString();
    }

    private static JFreeChart chart(EvaluationReport report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (EvaluationReport.ModeResult mode : report.modes()) {
            FIGURES.forEach((name, figure) -> data.addValue(figure.applyAsDouble(mode.mean()), mode.mode(), name));
        }
        return ChartFactory.createBarChart("Retrieval quality on " + report.dataset() + " (" + report.judgedQueries() + " queries)",
                null, "score", data, PlotOrientation.VERTICAL, true, false, false);
    }

    private static Map<String, ToDoubleFunction<RankingMetrics>> figures() {
        Map<String, ToDoubleFunction<RankingMetrics>> figures = new LinkedHashMap<>();
        figures.put("nDCG@10", RankingMetrics::ndcg10);
        figures.put("MAP", RankingMetrics::ap);
        figures.put("Recall@100", RankingMetrics::recall100);
        figures.put("MRR@10", RankingMetrics::rr10);
        figures.put("P@30", RankingMetrics::p30);
        return figures;
    }
}
