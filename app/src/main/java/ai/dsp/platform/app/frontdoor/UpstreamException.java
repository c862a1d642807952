package ai.dsp.platform.app.frontdoor;

/** A module's upstream (a model server, a remote RAG service) failed: 502, saying which, never with its key or body. */
public class UpstreamException extends RuntimeException {

    public UpstreamException(String message) {
        super(message);
    }
}
