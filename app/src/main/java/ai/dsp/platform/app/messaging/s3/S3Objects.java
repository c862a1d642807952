package ai.dsp.platform.app.messaging.s3;

import ai.dsp.platform.app.errors.ErrorPolicy;
import ai.dsp.platform.ingest.DocumentIds;
import ai.dsp.platform.ingest.InboxFiles;
import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The bucket's side of ingestion (routes/ingest-s3.camel.yaml), like the drop folder's: an object
 * under the prefix becomes a job (the first path segment after the prefix names the collection);
 * afterwards it moves to {@code .done/<key>} or to {@code .failed/<key>} beside
 * {@code .failed/<key>.error.txt} giving the reason. An object stays where it is until one of
 * those moves succeeded, so a failure before is polled again; its id derives from bucket and key,
 * so a re-polled unchanged object is the pipeline's no-op.
 */
public final class S3Objects {

    static final String DONE = InboxFiles.DONE + "/";
    static final String FAILED = InboxFiles.FAILED + "/";
    private static final String DEAD_LETTER_ROUTE = "direct:s3-failed";

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3Objects(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    public IngestJob toJob(Exchange exchange) {
        exchange.setProperty(ErrorPolicy.DEAD_LETTER_ENDPOINT, DEAD_LETTER_ROUTE);
        String key = key(exchange);
        String relativePath = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
        String collection = InboxFiles.collectionOf(relativePath);
        String source = "s3:" + bucket + "/" + key;
        return new IngestJob(DocumentIds.fromSource(collection, source), collection, source,
                key.substring(key.lastIndexOf('/') + 1), exchange.getMessage().getBody(byte[].class), Map.of(), exchange.getExchangeId());
    }

    /** The store has the document: the object moves to {@code .done/}. */
    public void settle(Exchange exchange) {
        move(key(exchange), DONE);
    }

    /**
     * The object cannot be ingested: its reason goes beside it in {@code .failed/}, then the
     * object itself. A failure here is the error policy's dead letter that could not be written:
     * redelivered, and the object stays for the next poll.
     */
    public void fail(Exchange exchange) {
        exchange.setProperty(ErrorPolicy.DEAD_LETTERING, true);
        String key = key(exchange);
        s3.putObject(put -> put.bucket(bucket).key(FAILED + key + ".error.txt").contentType("text/plain; charset=utf-8"),
                RequestBody.fromString(reason(exchange) + System.lineSeparator(), StandardCharsets.UTF_8));
        move(key, FAILED);
    }

    private void move(String key, String folder) {
        s3.copyObject(copy -> copy.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(folder + key));
        s3.deleteObject(delete -> delete.bucket(bucket).key(key));
    }

    private static String key(Exchange exchange) {
        return exchange.getMessage().getHeader(AWS2S3Constants.KEY, String.class);
    }

    private static String reason(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof IngestJob job && job.isFailed()) {
            return job.failure();
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            return "unknown";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
