package ai.dsp.platform.app.errors;

/** The request clashes with what exists (a policy or manifest of that id is there already): answered with HTTP 409 and this message. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
