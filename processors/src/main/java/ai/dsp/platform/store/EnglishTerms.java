package ai.dsp.platform.store;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The English analysis BM25 sees in both stores: Lucene's {@link EnglishAnalyzer} (stemming, stop
 * words). The embedded store indexes with it; Elasticsearch is sent its terms whitespace-separated,
 * so both stores score exactly the same terms and the cluster needs no analysis plugin (the
 * English analyzer lives in a module that minimal distributions leave out). Query expansion reads
 * texts with it too, so its terms are the index's. Thread-safe.
 */
public final class EnglishTerms implements AutoCloseable {

    private final Analyzer analyzer = new EnglishAnalyzer();

    /** The analyzer itself, for an index that analyses with it (the embedded store). */
    public Analyzer analyzer() {
        return analyzer;
    }

    /** The text's terms separated by single spaces; empty when nothing is left (only stop words). */
    public String of(String text) {
        return String.join(" ", terms(text));
    }

    /** The text's terms in order, repeats kept. */
    public List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return terms;
        }
        try (TokenStream tokens = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse text", e);
        }
        return terms;
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
