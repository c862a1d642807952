package ai.dsp.platform.embed;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The in-process embedding model. {@code threads} (texts embedded at once) defaults to the core
 * count; {@code intraOpThreads} (ONNX Runtime threads inside one text) defaults to 2, which keeps
 * a single query's latency low without starving the texts embedded beside it.
 */
@Validated
@ConfigurationProperties("dsp.embedding")
public record EmbeddingProperties(@Min(1) @Max(1024) Integer batchSize, @Min(1) @Max(64) Integer threads,
                                  @Min(1) @Max(64) Integer intraOpThreads) {

    public EmbeddingProperties {
        batchSize = batchSize == null ? 32 : batchSize;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        intraOpThreads = intraOpThreads == null ? Math.min(2, Runtime.getRuntime().availableProcessors()) : intraOpThreads;
    }
}
