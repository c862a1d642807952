package ai.dsp.platform.retrieve;

import ai.dsp.platform.retrieve.QueryResponse.QuerySource;
import ai.dsp.platform.retrieve.QueryResponse.Timings;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Where {@link QueryService#stream} puts an answer as it is made, in this order: {@link #sources}
 * once, then {@link #delta} (with a {@link #citation} right after the piece that completes a
 * source's first {@code [n]} marker) as the answer is written, then {@link #done} or
 * {@link #error} once. Calls come one at a time, from the thread that called
 * {@code stream}. A method that throws ends the stream: nothing more is sent.
 */
public interface AnswerEvents {

    /** The retrieved sources the answer may cite, numbered as in {@link QueryResponse#sources()}. */
    void sources(List<QuerySource> sources);

    /** The next piece of the answer's text; the pieces add up to the answer. */
    void delta(String text);

    /** The answer has just cited {@code source} ({@code [n]}) for the first time. */
    void citation(int number, QuerySource source);

    /** The answer is complete. */
    void done(Done done);

    /**
     * The answer could not be completed ({@link ai.dsp.platform.answer.AnswerUnavailableException}
     * when its backend failed or fell silent; anything else is a fault of ours).
     */
    void error(Throwable cause);

    /** How a complete answer was made: by whom, citing what, how fast, and how long its input and output were. */
    record Done(String generator, List<Integer> citations, Timings timings, Usage usage) {
    }

    /**
     * Token counts in the OpenAI shape, counted by the platform's tokenizer (the embedding model's
     * WordPiece), not the chat model's own: comparable across answerers, an estimate of a model's bill.
     *
     * @param promptTokens     the question and the sources' texts the answer was made from
     * @param completionTokens the answer's text
     */
    record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("completion_tokens") int completionTokens,
                 @JsonProperty("total_tokens") int totalTokens) {
    }
}
