package ai.dsp.platform.ingest;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Chunk sizes in tokens of the embedding model's tokenizer. 512 is the ceiling because BERT-style
 * models such as all-MiniLM-L6-v2 truncate longer input; 200 keeps a passage on one topic.
 */
@Validated
@ConfigurationProperties("dsp.ingest.chunking")
public record ChunkingProperties(@Min(16) @Max(512) Integer maxTokens, @Min(0) Integer overlapTokens) {

    public ChunkingProperties {
        maxTokens = maxTokens == null ? 200 : maxTokens;
        overlapTokens = overlapTokens == null ? 32 : overlapTokens;
    }

    @AssertTrue(message = "overlapTokens must be smaller than maxTokens")
    public boolean isOverlapSmallerThanMax() {
        return overlapTokens < maxTokens;
    }
}
