package ai.dsp.platform.ingest;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns Tika's XHTML SAX events into structured plain text in one pass, without building a DOM:
 * {@code h1..h6} become Markdown heading lines, block elements become paragraphs separated by a
 * blank line, table cells are joined with {@code " | "}.
 *
 * <p>Line breaks inside a block are kept: they carry the structure of plain text, Markdown and
 * {@code <pre>} (Tika's text parser emits a whole file as one paragraph), and are only harmless
 * whitespace elsewhere.
 */
final class StructuredTextHandler extends DefaultHandler {

    private static final Set<String> BLOCKS = Set.of(
            "p", "div", "li", "tr", "pre", "blockquote", "table", "ul", "ol", "dl", "dt", "dd",
            "section", "article", "header", "footer", "aside", "nav", "main", "address", "caption",
            "figure", "figcaption", "hr", "body");
    /** Text in these elements is not document content ({@code head} holds Tika's own title copy). */
    private static final Set<String> HIDDEN = Set.of("head", "script", "style", "noscript", "template");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final StringBuilder raw = new StringBuilder();
    private final StringBuilder heading = new StringBuilder();
    private int headingLevel;
    private int hiddenDepth;
    private int cellsInRow;

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) {
        String name = localName.toLowerCase(Locale.ROOT);
        if (HIDDEN.contains(name)) {
            hiddenDepth++;
        } else if (headingLevel(name) > 0) {
            paragraphBreak();
            headingLevel = headingLevel(name);
            heading.setLength(0);
        } else if (BLOCKS.contains(name)) {
            paragraphBreak();
            if (name.equals("tr")) {
                cellsInRow = 0;
            }
        } else if (name.equals("td") || name.equals("th")) {
            if (cellsInRow++ > 0) {
                append(" | ");
            }
        }
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        String name = localName.toLowerCase(Locale.ROOT);
        if (HIDDEN.contains(name)) {
            hiddenDepth--;
        } else if (headingLevel(name) > 0 && headingLevel > 0) {
            emitHeading();
        } else if (BLOCKS.contains(name)) {
            paragraphBreak();
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
        if (hiddenDepth == 0) {
            (headingLevel > 0 ? heading : raw).append(ch, start, length);
        }
    }

    /** Tika reports line breaks such as HTML's {@code <br>} only as ignorable whitespace. */
    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) {
        characters(ch, start, length);
    }

    /** The extracted text, normalised; empty when the document had no text. */
    String text() {
        return normalise(raw);
    }

    private void append(String s) {
        if (hiddenDepth == 0) {
            (headingLevel > 0 ? heading : raw).append(s);
        }
    }

    private void paragraphBreak() {
        if (headingLevel == 0) {
            raw.append("\n\n");
        }
    }

    private void emitHeading() {
        String title = WHITESPACE.matcher(heading).replaceAll(" ").strip();
        if (!title.isEmpty()) {
            raw.append("\n\n").append("#".repeat(headingLevel)).append(' ').append(title).append("\n\n");
        }
        headingLevel = 0;
    }

    private static int headingLevel(String name) {
        return name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6'
                ? name.charAt(1) - '0' : 0;
    }

    /**
     * NFC; control characters and invisible junk (soft hyphen, zero-width space, BOM, and the
     * replacement character Tika substitutes for characters XML cannot hold) removed;
     * whitespace collapsed to one space within a line; lines trimmed; at most one blank line in a
     * row; no blank lines at either end.
     */
    static String normalise(CharSequence text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        int pendingNewlines = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isLineBreak(c)) {
                boolean crlf = c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n';
                if (!crlf && out.length() > 0) {
                    pendingNewlines++;
                }
                pendingSpace = false;
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = true;
            } else if (!isInvisible(c)) {
                if (pendingNewlines > 0) {
                    out.append(pendingNewlines == 1 ? "\n" : "\n\n");
                } else if (pendingSpace && out.length() > 0) {
                    out.append(' ');
                }
                pendingNewlines = 0;
                pendingSpace = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
    }

    private static boolean isInvisible(char c) {
        return Character.getType(c) == Character.CONTROL || c == '\u00AD' || c == '\u200B' || c == '\uFEFF'
                || c == '\uFFFD';
    }
}
