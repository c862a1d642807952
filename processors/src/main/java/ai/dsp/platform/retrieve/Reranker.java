package ai.dsp.platform.retrieve;

import java.util.List;

/**
 * Scores passages against a query, higher meaning more relevant: a cross-encoder behind the
 * seed's model-server contract, or an LLM ranking them listwise. One score per text, in order.
 */
public interface Reranker {

    /** @throws RuntimeException when the scorer cannot answer (the search then keeps its own order) */
    List<Double> scores(String query, List<String> texts);

    /** Who scores, for logs and the response. */
    String name();
}
