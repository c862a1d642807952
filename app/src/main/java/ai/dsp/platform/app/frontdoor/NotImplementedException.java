package ai.dsp.platform.app.frontdoor;

/** A module whose type the Front Door has no handler for: 501, saying so (the seed answered 503 for everything in direct mode). */
public class NotImplementedException extends RuntimeException {

    public NotImplementedException(String message) {
        super(message);
    }
}
