package ai.dsp.platform.store;

/**
 * The store cannot take or serve data right now (down, overloaded, timing out). Retrying later
 * succeeds without any change to the document, so ingestion pauses and tries again instead of
 * failing the document.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
