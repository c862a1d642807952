package ai.dsp.platform.app.messaging.s3;

import ai.dsp.platform.app.errors.ErrorPolicy;
import ai.dsp.platform.app.messaging.DeadLetters;
import ai.dsp.platform.ingest.DocumentIds;
import ai.dsp.platform.ingest.InboxFiles;
import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The bucket's side of ingestion (routes/ingest-s3.camel.yaml), like the drop folder's: an object
 * under the prefix becomes a job (the first path segment after the prefix names the collection);
 * once its exchange completed it moves to {@code .done/<key>} or to {@code .failed/<key>} beside
 * {@code .failed/<key>.error.txt} giving the reason. An exchange that failed un-handled leaves
 * the object where it is for the next poll; its id derives from bucket and key, so a re-polled
 * unchanged object is the pipeline's no-op.
 */
public final class S3Objects {

    /** Header the completion reads: the folder the object moves to. */
    static final String TARGET_HEADER = "DspS3Target";
    static final String KEY_HEADER = "DspS3Key";
    private static final String DEAD_LETTER_ROUTE = "direct:s3-failed";
    private static final int MAX_KEYS_PER_POLL = 100;
    private static final Logger LOG = LoggerFactory.getLogger(S3Objects.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3Objects(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** The keys waiting under the prefix; none while the server cannot be reached (tried again at the next poll). */
    public List<String> keys() {
        try {
            return s3.listObjectsV2(list -> list.bucket(bucket).prefix(prefix).maxKeys(MAX_KEYS_PER_POLL)).contents().stream()
                    .map(S3Object::key)
                    .filter(key -> !key.endsWith("/"))
                    .toList();
        } catch (SdkException e) {
            LOG.warn("cannot list s3://{}/{}: {}", bucket, prefix, e.getMessage());
            return List.of();
        }
    }

    /**
     * The object of the key in the body as a job; it moves when the exchange completes, not
     * before. An object that cannot be fetched (the server went away since the listing) is no
     * failed document: its exchange ends here and the object stays for the next poll.
     */
    public IngestJob toJob(Exchange exchange) {
        String key = exchange.getMessage().getBody(String.class);
        byte[] content;
        try {
            content = s3.getObjectAsBytes(get -> get.bucket(bucket).key(key)).asByteArray();
        } catch (SdkException e) {
            LOG.warn("cannot fetch s3://{}/{}, it stays for the next poll: {}", bucket, key, e.getMessage());
            exchange.setRouteStop(true);
            return null;
        }
        exchange.getMessage().setHeader(KEY_HEADER, key);
        exchange.getMessage().setHeader(TARGET_HEADER, InboxFiles.FAILED);
        exchange.setProperty(ErrorPolicy.DEAD_LETTER_ENDPOINT, DEAD_LETTER_ROUTE);
        exchange.getExchangeExtension().addOnCompletion(new MoveWhenDone());
        String relativePath = key.substring(prefix.length());
        String collection = InboxFiles.collectionOf(relativePath);
        String source = "s3:" + bucket + "/" + key;
        return new IngestJob(DocumentIds.fromSource(collection, source), collection, source,
                key.substring(key.lastIndexOf('/') + 1), content, Map.of(), exchange.getExchangeId());
    }

    /** The store has the document: the object may move to {@code .done/}. */
    public void settle(Exchange exchange) {
        IngestJob job = exchange.getMessage().getBody(IngestJob.class);
        if (!job.isFailed()) {
            exchange.getMessage().setHeader(TARGET_HEADER, InboxFiles.DONE);
        }
    }

    /** The error policy's dead letter: the reason beside where the object will move; failing, it is redelivered. */
    public void reasonFile(Exchange exchange) {
        exchange.setProperty(ErrorPolicy.DEAD_LETTERING, true);
        String key = exchange.getMessage().getHeader(KEY_HEADER, String.class);
        s3.putObject(put -> put.bucket(bucket).key(InboxFiles.FAILED + "/" + key + ".error.txt").contentType("text/plain; charset=utf-8"),
                RequestBody.fromString(DeadLetters.reason(exchange) + System.lineSeparator(), StandardCharsets.UTF_8));
    }

    /**
     * Moves the object once its exchange is done, as the file consumers move a file on commit: a
     * move that fails leaves the object for the next poll, where it is unchanged and moves then.
     * It runs when this object's exchange completes, not handed over to the poll's.
     */
    private final class MoveWhenDone extends SynchronizationAdapter {

        @Override
        public void onComplete(Exchange exchange) {
            String key = exchange.getMessage().getHeader(KEY_HEADER, String.class);
            String folder = exchange.getMessage().getHeader(TARGET_HEADER, String.class);
            try {
                s3.copyObject(copy -> copy.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(folder + "/" + key));
                s3.deleteObject(delete -> delete.bucket(bucket).key(key));
            } catch (SdkException e) {
                LOG.warn("cannot move s3://{}/{} to {}/, it stays for the next poll: {}", bucket, key, folder, e.getMessage());
            }
        }

        @Override
        public boolean allowHandover() {
            return false;
        }
    }
}
