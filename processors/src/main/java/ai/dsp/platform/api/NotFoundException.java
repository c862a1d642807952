package ai.dsp.platform.api;

/** A named resource (document, collection) does not exist; answered with HTTP 404. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
