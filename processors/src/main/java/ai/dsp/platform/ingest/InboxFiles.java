package ai.dsp.platform.ingest;

import ai.dsp.platform.document.CollectionCatalog;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The drop folder's side of ingestion: a file becomes a job (its first sub-folder names the
 * collection), and its outcome decides whether it moves to {@code .done/} or {@code .failed/},
 * where a sibling {@code <name>.error.txt} gives the reason.
 */
public final class InboxFiles {

    /** Header the file endpoint's {@code move} expression reads: the folder the file goes to. */
    public static final String TARGET_HEADER = "DspInboxTarget";
    public static final String DONE = ".done";
    public static final String FAILED = ".failed";

    private static final Logger LOG = LoggerFactory.getLogger(InboxFiles.class);

    private final Path inbox;

    public InboxFiles(Path inbox) {
        this.inbox = inbox;
    }

    public IngestJob toJob(Exchange exchange) {
        exchange.getMessage().setHeader(TARGET_HEADER, FAILED);
        String relativePath = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class).replace('\\', '/');
        String collection = collectionOf(relativePath);
        String filename = relativePath.substring(relativePath.lastIndexOf('/') + 1);
        byte[] content = exchange.getMessage().getBody(byte[].class);
        return new IngestJob(DocumentIds.fromSource(collection, relativePath), collection, "inbox:" + relativePath,
                filename, content, Map.of(), exchange.getExchangeId());
    }

    /** After the pipeline: pick the target folder and, for a failure, write the reason beside it. */
    public void settle(Exchange exchange) {
        IngestJob job = exchange.getMessage().getBody(IngestJob.class);
        if (job.isFailed()) {
            recordFailure(exchange, job.failure());
        } else {
            exchange.getMessage().setHeader(TARGET_HEADER, DONE);
        }
    }

    public void recordFailure(Exchange exchange, String reason) {
        exchange.getMessage().setHeader(TARGET_HEADER, FAILED);
        String relativePath = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Path errorFile = inbox.resolve(FAILED).resolve(relativePath + ".error.txt").normalize();
        try {
            Files.createDirectories(errorFile.getParent());
            Files.writeString(errorFile, reason + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("could not write {}: {}", errorFile, e.getMessage());
            throw new UncheckedIOException(e);
        }
    }

    /** {@code research/2024/a.pdf} belongs to {@code research}; a file at the top to {@code default}. */
    public static String collectionOf(String relativePath) {
        int slash = relativePath.indexOf('/');
        if (slash <= 0) {
            return CollectionCatalog.DEFAULT;
        }
        String folder = relativePath.substring(0, slash).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[-_]+", "");
        return folder.isEmpty() ? CollectionCatalog.DEFAULT : folder.substring(0, Math.min(64, folder.length()));
    }
}
