package ai.dsp.platform.app.messaging.s3;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;

/**
 * The S3 client of the bucket route and of {@link S3Objects}: one client, configured from
 * {@code dsp.s3.*}, so that the route names no endpoint or key. Building it opens no connection.
 */
@Configuration(proxyBeanMethods = false)
public class S3Configuration {

    @Bean(destroyMethod = "close")
    S3Client dspS3Client(S3Properties properties) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(properties.region()))
                .credentialsProvider(credentials(properties))
                .forcePathStyle(properties.forcePathStyle());
        if (properties.endpoint() != null && !properties.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(properties.endpoint()));
        }
        return builder.build();
    }

    @Bean
    S3Objects s3Objects(S3Client dspS3Client, S3Properties properties) {
        return new S3Objects(dspS3Client, properties.bucket(), properties.prefix());
    }

    private static AwsCredentialsProvider credentials(S3Properties properties) {
        if (properties.accessKey() == null || properties.accessKey().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(properties.accessKey(), properties.secretKey()));
    }
}
