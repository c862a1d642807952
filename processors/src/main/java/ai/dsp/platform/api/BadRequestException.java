package ai.dsp.platform.api;

/** The caller sent something we cannot act on; answered with HTTP 400 and this message. */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
