package ai.dsp.platform.answer;

import java.util.List;
import java.util.function.Consumer;

/** Turns a question and the passages retrieved for it into an answer that cites those passages. */
public interface Answerer {

    /**
     * @param sources the retrieved passages, best first, numbered from 1
     * @throws AnswerUnavailableException when the backing service cannot produce an answer
     */
    Answer answer(String question, List<Source> sources);

    /**
     * The same answer in pieces: {@code onToken} gets each piece of text as it is made (the pieces
     * add up to the answer's text), then exactly one of {@code onComplete} (the whole answer) or
     * {@code onError} is called. Callbacks may run on another thread than the caller's. If
     * {@code onToken} throws, no more pieces are made and the exception goes to {@code onError}.
     * <p>
     * This default makes the whole answer first and hands it over as one piece.
     */
    default void stream(String question, List<Source> sources, Consumer<String> onToken,
            Consumer<Answer> onComplete, Consumer<Throwable> onError) {
        Answer answer;
        try {
            answer = answer(question, sources);
        } catch (RuntimeException e) {
            onError.accept(e);
            return;
        }
        answer.deliver(List.of(answer.text()), onToken, onComplete, onError);
    }
}
