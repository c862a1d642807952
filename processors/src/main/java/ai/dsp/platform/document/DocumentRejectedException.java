package ai.dsp.platform.document;

/**
 * Bad input that retrying cannot fix (empty, corrupt, encrypted, unsupported, too large, no
 * text, timed out). The message is a one-line reason safe to show a caller: it ends up in an
 * {@code .error.txt} file and in an HTTP 400 body, so it never carries a stack trace or a path.
 */
public class DocumentRejectedException extends RuntimeException {

    public DocumentRejectedException(String reason) {
        super(reason);
    }

    public DocumentRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
