package ai.dsp.platform.ingest;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on text extraction. Together they bound what one hostile document can cost: bytes read
 * ({@code maxFileSize}), characters produced ({@code maxCharacters}, which also stops
 * decompression bombs) and wall-clock time ({@code timeout}).
 */
@Validated
@ConfigurationProperties("dsp.ingest.extract")
public record ExtractionProperties(DataSize maxFileSize, @Min(1) Integer maxCharacters, Duration timeout) {

    public ExtractionProperties {
        maxFileSize = maxFileSize == null ? DataSize.ofMegabytes(50) : maxFileSize;
        maxCharacters = maxCharacters == null ? 5_000_000 : maxCharacters;
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
    }
}
