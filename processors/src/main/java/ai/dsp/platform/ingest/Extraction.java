package ai.dsp.platform.ingest;

import java.util.Map;

/**
 * The text of one document as structured plain text: Markdown heading lines ({@code # ...}),
 * paragraphs separated by one blank line. {@code properties} holds Tika's metadata (first value
 * of each key); {@code title} is null when the document has none.
 */
public record Extraction(String text, String contentType, String title, Map<String, String> properties) {

    public Extraction {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
}
