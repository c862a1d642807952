package ai.dsp.platform.answer;

/**
 * One retrieved passage handed to an {@link Answerer}. {@code number} is 1-based and is the
 * citation marker {@code [n]} an answer uses to point back at this passage.
 */
public record Source(int number, String documentId, String chunkId, String filename, String text, double score) {

    public Source {
        if (number < 1) {
            throw new IllegalArgumentException("source numbers start at 1, got " + number);
        }
        text = text == null ? "" : text;
    }

    /** The name a reader recognises: the file name when known, else the document id. */
    public String label() {
        return filename == null || filename.isBlank() ? documentId : filename;
    }
}
