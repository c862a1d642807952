package ai.dsp.platform.answer;

import java.util.List;

/** Turns a question and the passages retrieved for it into an answer that cites those passages. */
public interface Answerer {

    /**
     * @param sources the retrieved passages, best first, numbered from 1
     * @throws AnswerUnavailableException when the backing service cannot produce an answer
     */
    Answer answer(String question, List<Source> sources);
}
