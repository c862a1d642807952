package ai.dsp.platform.embed;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The in-process embedding model. {@code threads} defaults to the core count: ONNX Runtime
 * also parallelises inside each call, so more threads only oversubscribe the CPU.
 */
@Validated
@ConfigurationProperties("dsp.embedding")
public record EmbeddingProperties(@Min(1) @Max(1024) Integer batchSize, @Min(1) @Max(64) Integer threads) {

    public EmbeddingProperties {
        batchSize = batchSize == null ? 32 : batchSize;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
