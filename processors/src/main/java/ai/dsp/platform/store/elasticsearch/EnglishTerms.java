package ai.dsp.platform.store.elasticsearch;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * English analysis done here, with the embedded store's own Lucene {@link EnglishAnalyzer}, and
 * sent to Elasticsearch as whitespace-separated terms. Both stores then stem, drop stop words
 * and score BM25 over exactly the same terms, and the cluster needs no analysis plugin (the
 * English analyzer lives in a module that minimal distributions leave out). Thread-safe.
 */
final class EnglishTerms implements AutoCloseable {

    private final Analyzer analyzer = new EnglishAnalyzer();

    /** The text's terms separated by single spaces; empty when nothing is left (only stop words). */
    String of(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        StringBuilder terms = new StringBuilder(text.length());
        try (TokenStream tokens = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                if (!terms.isEmpty()) {
                    terms.append(' ');
                }
                terms.append(term);
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse text", e);
        }
        return terms.toString();
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
