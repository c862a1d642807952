package ai.dsp.platform.app;

import ai.dsp.platform.testing.S3MockServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The remote-folder contract on S3-compatible storage (Adobe S3Mock): objects under a prefix of a bucket. */
class S3IngestionTest extends RemoteFolderContract {

    private static final String BUCKET = "dsp-test-documents";
    private static final String PREFIX = "inbox/";
    private static final String ACCESS_KEY = "dsp-test";
    private static final String SECRET_KEY = "dsp-test-secret";

    private final S3MockServer server = new S3MockServer(BUCKET);
    private S3Client uploader;

    @Override
    void startServer() {
        server.start();
        if (uploader == null) {
            uploader = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(server.url())).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
        }
    }

    @Override
    void stopServer() {
        server.stop();
    }

    @Override
    void closeServer() {
        if (uploader != null) {
            uploader.close();
        }
        server.close();
    }

    @Override
    void upload(String path, byte[] content) {
        uploader.putObject(put -> put.bucket(BUCKET).key(incoming(path)), RequestBody.fromBytes(content));
    }

    @Override
    String read(String location) {
        try {
            return uploader.getObjectAsBytes(get -> get.bucket(BUCKET).key(location)).asString(StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    @Override
    String incoming(String path) {
        return PREFIX + path;
    }

    @Override
    String done(String path) {
        return ".done/" + PREFIX + path;
    }

    @Override
    String failed(String path) {
        return ".failed/" + PREFIX + path;
    }

    @Override
    String documentSource(String path) {
        return "s3:" + BUCKET + "/" + PREFIX + path;
    }

    @Override
    List<String> settings() {
        return List.of("--dsp.s3.enabled=true", "--dsp.s3.poll-delay=200ms", "--dsp.s3.bucket=" + BUCKET, "--dsp.s3.prefix=" + PREFIX,
                "--dsp.s3.endpoint=" + server.url(), "--dsp.s3.force-path-style=true", "--dsp.s3.region=us-east-1",
                "--dsp.s3.access-key=" + ACCESS_KEY, "--dsp.s3.secret-key=" + SECRET_KEY);
    }
}
