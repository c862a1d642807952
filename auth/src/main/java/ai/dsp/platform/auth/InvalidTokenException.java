package ai.dsp.platform.auth;

/**
 * A token that is refused. {@link #reason()} is safe to tell the caller (expired, revoked,
 * invalid, ...); the detail stays in the message for the log, and never holds the token.
 */
public class InvalidTokenException extends RuntimeException {

    private final String reason;

    public InvalidTokenException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
