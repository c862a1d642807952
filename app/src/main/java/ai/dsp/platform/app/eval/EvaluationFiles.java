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
