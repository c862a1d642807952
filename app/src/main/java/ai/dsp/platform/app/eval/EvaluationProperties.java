package ai.dsp.platform.app.eval;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * Where the evaluation endpoint finds datasets (a request names a sub-folder, never a path) and
 * writes its reports ({@code <reportsDir>/<job id>/}).
 */
@ConfigurationProperties("dsp.eval")
public record EvaluationProperties(Path datasetsDir, Path reportsDir) {

    public EvaluationProperties {
        datasetsDir = datasetsDir == null ? Path.of("datasets") : datasetsDir;
        reportsDir = reportsDir == null ? Path.of("eval-reports") : reportsDir;
    }
}
