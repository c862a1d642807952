package ai.dsp.platform.app.messaging;

import ai.dsp.platform.ingest.IngestJob;
import org.apache.camel.Exchange;

/** The error headers every dead letter carries (Kafka headers, AMQP headers, MQTT 5 user properties). */
public final class DeadLetters {

    public static final String REASON = "dsp.error.reason";
    public static final String EXCEPTION = "dsp.error.exception";

    private DeadLetters() {
    }

    /** One line on why the message could not be ingested; the rejection's own message where there is one. */
    public static String reason(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** Why an exchange's input could not be ingested: the reason its document's failed status records, else the caught exception's. */
    public static String reason(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof IngestJob job && job.isFailed()) {
            return job.failure();
        }
        return reason(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    public static String exception(Throwable cause) {
        return cause == null ? "none" : cause.getClass().getName();
    }
}
