package ai.dsp.platform.answer;

/**
 * The answer backend could not produce an answer (rejected credentials, rate limit, server error,
 * timeout). The message is safe to log and to show an operator: it never contains the API key.
 */
public class AnswerUnavailableException extends RuntimeException {

    public AnswerUnavailableException(String message) {
        super(message);
    }

    public AnswerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
