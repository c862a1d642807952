package ai.dsp.platform.embed;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The in-process embedding model. {@code threads} (texts embedded at once) defaults to the core
 * count; {@code intraOpThreads} (ONNX Runtime threads inside one text) defaults to 1: the texts
 * already run one per core, and a second thread each only oversubscribes the cores (measured on
 * CACM, 2 cores: ingestion +16 %, raw embedding +27 %, query latency unchanged; docs/BENCHMARKS.md).
 */
@Validated
@ConfigurationProperties("dsp.embedding")
public record EmbeddingProperties(@Min(1) @Max(1024) Integer batchSize, @Min(1) @Max(64) Integer threads,
                                  @Min(1) @Max(64) Integer intraOpThreads) {

    public EmbeddingProperties {
        batchSize = batchSize == null ? 32 : batchSize;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        intraOpThreads = intraOpThreads == null ? 1 : intraOpThreads;
    }
}
