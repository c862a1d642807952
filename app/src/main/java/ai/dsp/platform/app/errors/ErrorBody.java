package ai.dsp.platform.app.errors;

/** The JSON body of every error answer; never a stack trace. */
public record ErrorBody(String error, String message, String requestId) {
}
