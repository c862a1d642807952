package ai.dsp.platform.controltower.store;

/**
 * The store could not read or write its disk or database (the HTTP layer answers 503). The message
 * names the project and the operation, never document content; the cause is for the logs.
 */
public class ManifestStoreException extends RuntimeException {

    public ManifestStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
