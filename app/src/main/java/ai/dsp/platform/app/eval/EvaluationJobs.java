package ai.dsp.platform.app.eval;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.eval.BeirDataset;
import ai.dsp.platform.retrieve.RetrievalMode;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The evaluation as an admin endpoint ({@code routes/admin-api.camel.yaml}): a request starts a
 * job and is answered at once; the job's status, then its report, are read by id. One
 * evaluation runs at a time (each ingests a whole corpus); later ones wait their turn.
 */
@Component("evaluationJobs")
public class EvaluationJobs implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationJobs.class);
    private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** The body of {@code POST /api/v1/admin/evaluations}. */
    public record EvaluationRequest(String dataset, String mode, String collection) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EvaluationJob(String id, String dataset, String status, String error, List<String> files,
                                EvaluationReport report) {
    }

    private final Evaluation evaluation;
    private final EvaluationProperties properties;
    private final Map<String, EvaluationJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "evaluation");
        thread.setDaemon(true);
        return thread;
    });

    public EvaluationJobs(Evaluation evaluation, EvaluationProperties properties) {
        this.evaluation = evaluation;
        this.properties = properties;
    }

    public EvaluationJob start(EvaluationRequest request) {
        if (request == null || request.dataset() == null || !DATASET_NAME.matcher(request.dataset()).matches()) {
            throw new BadRequestException("'dataset' must name a folder of " + properties.datasetsDir() + " (letters, digits, . _ -)");
        }
        BeirDataset dataset;
        List<RetrievalMode> modes;
        try {
            dataset = BeirDataset.open(properties.datasetsDir().resolve(request.dataset()));
            modes = EvalCommand.modes(request.mode() == null ? "all" : request.mode());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        String id = UUID.randomUUID().toString();
        EvaluationJob queued = new EvaluationJob(id, dataset.name(), "queued", null, null, null);
        jobs.put(id, queued);
        runner.execute(() -> run(queued, dataset, modes, request.collection()));
        return queued;
    }

    public EvaluationJob get(String id) {
        EvaluationJob job = jobs.get(id);
        if (job == null) {
            throw new NotFoundException("no evaluation '" + id + "'");
        }
        return job;
    }

    private void run(EvaluationJob job, BeirDataset dataset, List<RetrievalMode> modes, String collection) {
        jobs.put(job.id(), new EvaluationJob(job.id(), job.dataset(), "running", null, null, null));
        try {
            EvaluationReport report = evaluation.run(dataset, modes, collection, Progress.NONE);
            Path dir = properties.reportsDir().resolve(job.id());
            List<String> files = EvaluationFiles.write(report, Files.createDirectories(dir)).stream().map(Path::toString).toList();
            jobs.put(job.id(), new EvaluationJob(job.id(), job.dataset(), "done", null, files, report));
        } catch (Exception e) {
            LOG.error("evaluation {} of {} failed", job.id(), job.dataset(), e);
            jobs.put(job.id(), new EvaluationJob(job.id(), job.dataset(), "failed", e.getMessage(), null, null));
        }
    }

    @Override
    public void destroy() {
        runner.shutdownNow();
    }
}
