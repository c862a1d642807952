package ai.dsp.platform.app.messaging;

import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;

/** Why an exchange's input could not be ingested, in one line for a dead letter or a reason file. */
public final class FailureReason {

    private FailureReason() {
    }

    /** The reason the document's failed status records, else the caught exception's message. */
    public static String of(Exchange exchange) {
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
