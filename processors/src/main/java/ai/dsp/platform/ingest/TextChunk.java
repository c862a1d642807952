package ai.dsp.platform.ingest;

import java.util.List;

/**
 * One passage of a document: {@code text} equals {@code source.substring(startOffset, endOffset)};
 * {@code headingPath} lists the enclosing headings, outermost first.
 */
public record TextChunk(int ordinal, String text, int startOffset, int endOffset, List<String> headingPath) {

    public TextChunk {
        headingPath = headingPath == null ? List.of() : List.copyOf(headingPath);
    }
}
