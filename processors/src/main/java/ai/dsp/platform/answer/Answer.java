package ai.dsp.platform.answer;

import java.util.List;
import java.util.function.Consumer;

/**
 * A grounded answer.
 *
 * @param text      the answer, with {@code [n]} markers pointing at sources
 * @param citations the source numbers the text actually cites, in order of first appearance
 * @param generator {@code "extractive"} or the chat model's name
 */
public record Answer(String text, List<Integer> citations, String generator) {

    static final String NO_MATCHING_CONTENT = "No indexed content matches the question.";

    public Answer {
        citations = List.copyOf(citations);
    }

    /** The answer when retrieval found nothing: saying so beats inventing something. */
    static Answer noMatchingContent(String generator) {
        return new Answer(NO_MATCHING_CONTENT, List.of(), generator);
    }

    /**
     * Hands this answer over as {@link Answerer#stream} promises: {@code pieces} (which add up to
     * the text) to {@code onToken}, then the answer to {@code onComplete}, or whatever
     * {@code onToken} throws to {@code onError}.
     */
    void deliver(List<String> pieces, Consumer<String> onToken, Consumer<Answer> onComplete, Consumer<Throwable> onError) {
        try {
            pieces.forEach(onToken);
        } catch (RuntimeException e) {
            onError.accept(e);
            return;
        }
        onComplete.accept(this);
    }
}
