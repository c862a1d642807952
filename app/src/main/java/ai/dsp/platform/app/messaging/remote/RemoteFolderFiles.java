package ai.dsp.platform.app.messaging.remote;

import ai.dsp.platform.app.errors.ErrorPolicy;
import ai.dsp.platform.app.messaging.DeadLetters;
import ai.dsp.platform.ingest.DocumentIds;
import ai.dsp.platform.ingest.InboxFiles;
import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A remote folder polled like the drop folder (routes/ingest-sftp.camel.yaml, ingest-ftp): a file
 * becomes a job (its first sub-folder names the collection), and afterwards moves on the server
 * to {@code .done/} or to {@code .failed/} beside a {@code <name>.error.txt} giving the reason.
 * Its document id derives from the source and the file's path, so a file polled again (a restart
 * before it was moved) is the same document with the same content: the pipeline's no-op.
 */
public final class RemoteFolderFiles {

    /** Header the consumer's {@code move} expression reads: the folder the file goes to. */
    public static final String TARGET_HEADER = "DspRemoteTarget";

    /** Exchange property: the file's exchange while its reason file is being written. */
    private static final String STASH = "DspRemoteFileStash";

    private final String scheme;
    private final String deadLetterRoute;

    /**
     * @param scheme          the source kind, first part of the document source ({@code sftp:kb/a.pdf})
     * @param deadLetterRoute the {@code direct:} route that writes a failed file's reason beside it
     */
    public RemoteFolderFiles(String scheme, String deadLetterRoute) {
        this.scheme = scheme;
        this.deadLetterRoute = deadLetterRoute;
    }

    public IngestJob toJob(Exchange exchange) {
        Message message = exchange.getMessage();
        message.setHeader(TARGET_HEADER, InboxFiles.FAILED);
        exchange.setProperty(ErrorPolicy.DEAD_LETTER_ENDPOINT, deadLetterRoute);
        String relativePath = relativePath(message);
        String collection = InboxFiles.collectionOf(relativePath);
        String source = scheme + ":" + relativePath;
        return new IngestJob(DocumentIds.fromSource(collection, source), collection, source,
                relativePath.substring(relativePath.lastIndexOf('/') + 1), message.getBody(byte[].class), Map.of(), exchange.getExchangeId());
    }

    /** The store has the document: the file may move to {@code .done/}. */
    public void settle(Exchange exchange) {
        IngestJob job = exchange.getMessage().getBody(IngestJob.class);
        if (!job.isFailed()) {
            exchange.getMessage().setHeader(TARGET_HEADER, InboxFiles.DONE);
        }
    }

    /**
     * Turns the exchange into the reason file to write ({@code <path>.error.txt}, relative to
     * {@code .failed/}), keeping the file's own message to {@link #restore} afterwards.
     */
    public void reasonFile(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.setProperty(ErrorPolicy.DEAD_LETTERING, true);
        exchange.setProperty(STASH, new Stash(message.getBody(), new HashMap<>(message.getHeaders())));
        String reason = DeadLetters.reason(exchange);
        String relativePath = relativePath(message);
        message.setBody((reason + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        message.setHeader(Exchange.FILE_NAME, relativePath + ".error.txt");
    }

    /** The file's own message again, so that the consumer moves the file itself to {@code .failed/}. */
    public void restore(Exchange exchange) {
        Stash stash = exchange.getProperty(STASH, Stash.class);
        exchange.getMessage().setBody(stash.body());
        exchange.getMessage().setHeaders(stash.headers());
        exchange.getMessage().setHeader(TARGET_HEADER, InboxFiles.FAILED);
    }

    private record Stash(Object body, Map<String, Object> headers) {
    }

    private static String relativePath(Message message) {
        return message.getHeader(Exchange.FILE_NAME, String.class).replace('\\', '/');
    }
}
