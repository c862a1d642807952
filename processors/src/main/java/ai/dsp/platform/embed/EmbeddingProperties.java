package ai.dsp.platform.embed;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.util.Map;

/**
 * The in-process embedding models. {@code model} is the platform default ({@link InProcessModel}
 * names, all-MiniLM-L6-v2 unless set), {@code collections} a model per collection (name to model)
 * that a collection's {@code rag_config} module's {@code embedding_model} overrides. {@code threads} (texts embedded at once) defaults to the core
 * count; {@code intraOpThreads} (ONNX Runtime threads inside one text) defaults to 1: the texts
 * already run one per core, and a second thread each only oversubscribes the cores (measured on
 * CACM, 2 cores: ingestion +16 %, raw embedding +27 %, query latency unchanged; docs/BENCHMARKS.md).
 */
@Validated
@ConfigurationProperties("dsp.embedding")
public record EmbeddingProperties(@Min(1) @Max(1024) Integer batchSize, @Min(1) @Max(64) Integer threads,
                                  @Min(1) @Max(64) Integer intraOpThreads, String model, Map<String, String> collections) {

    public EmbeddingProperties {
        model = model == null || model.isBlank() ? InProcessModel.ALL_MINILM_L6_V2_Q.id() : model;
        collections = collections == null ? Map.of() : Map.copyOf(collections);
        // a name no model answers to fails the start, not the first document
        InProcessModel.require(model);
        collections.values().forEach(InProcessModel::require);
        batchSize = batchSize == null ? 32 : batchSize;
        threads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        intraOpThreads = intraOpThreads == null ? 1 : intraOpThreads;
    }
}
