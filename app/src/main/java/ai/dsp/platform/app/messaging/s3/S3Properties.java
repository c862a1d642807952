package ai.dsp.platform.app.messaging.s3;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * A bucket of S3-compatible object storage polled for documents ({@code dsp.s3.*},
 * routes/ingest-s3.camel.yaml): AWS S3, or MinIO, Ceph and others through {@code endpoint}.
 *
 * @param enabled        poll the bucket
 * @param bucket         the bucket
 * @param prefix         the key prefix polled, ending in {@code /}; {@code .done/} and {@code .failed/} sit beside it
 * @param region         the bucket's region (any value for most S3-compatible servers)
 * @param endpoint       the server's URL for S3-compatible storage; empty for AWS itself
 * @param forcePathStyle {@code http://host/bucket/key} addressing, which most S3-compatible servers need
 * @param accessKey      the access key id; empty for the AWS default chain (environment, instance role)
 * @param secretKey      from the environment ({@code DSP_S3_SECRET_KEY}) or a secret file, never a config file
 * @param pollDelay      time between two polls of the bucket
 */
@Validated
@ConfigurationProperties("dsp.s3")
public record S3Properties(boolean enabled, @NotBlank String bucket, @NotBlank @Pattern(regexp = ".+/") String prefix,
                           @NotBlank String region, String endpoint, boolean forcePathStyle,
                           String accessKey, String secretKey, Duration pollDelay) {

    /** Without the secret key, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "S3Properties[enabled=" + enabled + ", bucket=" + bucket + ", prefix=" + prefix + ", region=" + region
                + ", endpoint=" + endpoint + ", forcePathStyle=" + forcePathStyle + ", accessKey=" + accessKey
                + ", secretKey=" + (secretKey == null || secretKey.isEmpty() ? "unset" : "***") + ", pollDelay=" + pollDelay + "]";
    }
}
