package ai.dsp.platform.store;

import java.util.List;
import java.util.Map;

/**
 * One stored passage of a document. The id is {@code documentId:ordinal}, so re-ingesting a
 * document produces the same ids and replaces, never duplicates.
 */
public record Chunk(
        String documentId,
        int ordinal,
        String text,
        float[] vector,
        int startOffset,
        int endOffset,
        List<String> headingPath,
        String filename,
        Map<String, Object> metadata) {

    public Chunk {
        headingPath = headingPath == null ? List.of() : List.copyOf(headingPath);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public String id() {
        return id(documentId, ordinal);
    }

    public static String id(String documentId, int ordinal) {
        return documentId + ":" + ordinal;
    }

    public Chunk withVector(float[] newVector) {
        return new Chunk(documentId, ordinal, text, newVector, startOffset, endOffset, headingPath, filename, metadata);
    }
}
