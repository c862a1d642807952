package ai.dsp.platform.app.messaging;

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

    public static String exception(Throwable cause) {
        return cause == null ? "none" : cause.getClass().getName();
    }
}
