package ai.dsp.platform.ingest;

import java.text.BreakIterator;
import java.text.StringCharacterIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.langchain4j.model.TokenCountEstimator;

/**
 * Splits structured plain text (as produced by {@link TikaExtractor}) into passages of at most
 * {@code maxTokens} tokens of the embedding model.
 *
 * <p>Structure first: every Markdown heading line starts a new section, and chunks never span
 * sections. Within a section whole paragraphs are packed; a paragraph too big for one chunk is
 * cut between sentences, a sentence between words, and only a single over-long word mid-word.
 * Consecutive chunks of a section share up to {@code overlapTokens} of trailing whole sentences
 * (or words, when the last sentence alone is too long); less when the next paragraph would
 * otherwise not fit whole, none across sections.
 *
 * <p>A chunk's text is exactly {@code text.substring(startOffset, endOffset)}. So the heading line
 * is part of the first chunk of its section only; later chunks carry it in {@code headingPath}.
 * A heading with no text before the next heading yields no chunk of its own.
 *
 * <p>Each paragraph, sentence or word is counted once and counts are summed; because a summed
 * count can differ slightly from counting the joined text (for some tokenizers), each finished
 * chunk is counted once more and shrunk if it went over.
 */
public class Chunker {

    private static final Pattern HEADING = Pattern.compile("(#{1,6})\\s+(.*?)(?:\\s+#+)?");
    private static final Pattern FENCE = Pattern.compile("(?:```|~~~).*");

    private final int maxTokens;
    private final int overlapTokens;
    private final TokenCountEstimator tokens;

    public Chunker(ChunkingProperties props, TokenCountEstimator tokens) {
        this.maxTokens = props.maxTokens();
        this.overlapTokens = props.overlapTokens();
        this.tokens = tokens;
    }

    /** Thread-safe; the same text always gives the same chunks; blank text gives none. */
    public List<TextChunk> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return new Run(text).chunks();
    }

    private record Span(int start, int end) {
    }

    /** A piece that is never cut: a whole paragraph, sentence, word or hard-cut part of a word. */
    private record Unit(int start, int end, int tokens) {
    }

    /** Trailing text of a chunk repeated at the start of the next one. */
    private record Overlap(int start, int tokens) {
    }

    /** The blocks (heading line, then paragraphs) under one heading. */
    private record Section(List<String> headingPath, List<Span> blocks) {
    }

    private record Heading(int level, String title) {
    }

    /** Collects sections line by line; a heading closes the section before it. */
    private static final class Outline {

        private final List<Section> sections = new ArrayList<>();
        private final List<Heading> headings = new ArrayList<>();
        private List<Span> blocks = new ArrayList<>();
        private boolean hasBody;
        private Span paragraph;

        void extendParagraph(Span line) {
            paragraph = paragraph == null ? line : new Span(paragraph.start(), line.end());
        }

        void endParagraph() {
            if (paragraph != null) {
                blocks.add(paragraph);
                hasBody = true;
                paragraph = null;
            }
        }

        void startSection(Heading heading, Span line) {
            endSection();
            while (!headings.isEmpty() && headings.get(headings.size() - 1).level() >= heading.level()) {
                headings.remove(headings.size() - 1);
            }
            headings.add(heading);
            blocks = new ArrayList<>(List.of(line));
            hasBody = false;
        }

        List<Section> finish() {
            endSection();
            return sections;
        }

        private void endSection() {
            endParagraph();
            if (hasBody) {
                sections.add(new Section(headings.stream().map(Heading::title).toList(), blocks));
            }
        }
    }

    /** One call's state: BreakIterator is not thread-safe. */
    private final class Run {

        private final String text;
        private final BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        private final List<TextChunk> chunks = new ArrayList<>();

        Run(String text) {
            this.text = text;
        }

        List<TextChunk> chunks() {
            for (Section section : sections()) {
                pack(section.headingPath(), units(section.blocks()));
            }
            return List.copyOf(chunks);
        }

        // --- structure -------------------------------------------------------------------

        private List<Section> sections() {
            Outline outline = new Outline();
            boolean inFence = false;
            for (int lineStart = 0; lineStart <= text.length(); ) {
                int newline = text.indexOf('\n', lineStart);
                int lineEnd = newline < 0 ? text.length() : newline;
                Span line = trim(lineStart, lineEnd);
                String content = text.substring(line.start(), line.end());
                if (FENCE.matcher(content).matches()) {
                    inFence = !inFence;
                }
                Matcher heading = HEADING.matcher(content);
                if (content.isEmpty()) {
                    outline.endParagraph();
                } else if (!inFence && heading.matches() && !heading.group(2).isBlank()) {
                    outline.startSection(new Heading(heading.group(1).length(), heading.group(2).strip()), line);
                } else {
                    outline.extendParagraph(line);
                }
                lineStart = lineEnd + 1;
            }
            return outline.finish();
        }

        // --- units -------------------------------------------------------------------------

        private List<Unit> units(List<Span> blocks) {
            List<Unit> units = new ArrayList<>();
            for (Span block : blocks) {
                addBlock(block, units);
            }
            return units;
        }

        private void addBlock(Span block, List<Unit> units) {
            int count = count(block.start(), block.end());
            if (count <= maxTokens) {
                units.add(new Unit(block.start(), block.end(), count));
                return;
            }
            sentences.setText(new StringCharacterIterator(text, block.start(), block.end(), block.start()));
            for (int start = sentences.first(), end = sentences.next(); end != BreakIterator.DONE;
                    start = end, end = sentences.next()) {
                Span sentence = trim(start, end);
                if (sentence.start() < sentence.end()) {
                    addSentence(sentence, units);
                }
            }
        }

        private void addSentence(Span sentence, List<Unit> units) {
            int count = count(sentence.start(), sentence.end());
            if (count <= maxTokens) {
                units.add(new Unit(sentence.start(), sentence.end(), count));
                return;
            }
            int pos = sentence.start();
            while (pos < sentence.end()) {
                int wordStart = skip(pos, sentence.end(), true);
                int wordEnd = skip(wordStart, sentence.end(), false);
                if (wordStart < wordEnd) {
                    addWord(wordStart, wordEnd, units);
                }
                pos = wordEnd;
            }
        }

        private void addWord(int start, int end, List<Unit> units) {
            for (int pos = start; pos < end; ) {
                int length = Math.min(end - pos, maxTokens);
                int count;
                while ((count = count(pos, pos + length)) > maxTokens && length > 1) {
                    length /= 2;
                }
                if (pos + length < end && Character.isHighSurrogate(text.charAt(pos + length - 1)) && length > 1) {
                    length--;
                    count = count(pos, pos + length);
                }
                units.add(new Unit(pos, pos + length, count));
                pos += length;
            }
        }

        // --- packing -----------------------------------------------------------------------

        private void pack(List<String> headingPath, List<Unit> units) {
            Overlap overlap = null;
            int next = 0;
            while (next < units.size()) {
                int first = next;
                int start = overlap != null ? overlap.start() : units.get(first).start();
                int used = overlap != null ? overlap.tokens() : 0;
                do {
                    used += units.get(next++).tokens();
                } while (next < units.size() && used + units.get(next).tokens() <= maxTokens);
                // A summed count can be off; verify once and give back units (then the overlap) if over.
                while (count(start, units.get(next - 1).end()) > maxTokens
                        && (next - 1 > first || start != units.get(first).start())) {
                    if (next - 1 > first) {
                        next--;
                    } else {
                        start = units.get(first).start();
                    }
                }
                int end = units.get(next - 1).end();
                chunks.add(new TextChunk(chunks.size(), text.substring(start, end), start, end, headingPath));
                // Shrink the overlap rather than cut the next unit: it stays whole if it fits a chunk.
                overlap = next < units.size()
                        ? overlap(start, end, Math.min(overlapTokens, maxTokens - units.get(next).tokens()))
                        : null;
            }
        }

        /**
         * The longest run of trailing sentences of [start, end) within budget tokens; if even the
         * last sentence is too long, the longest run of its trailing words. Never the whole chunk.
         */
        private Overlap overlap(int start, int end, int budget) {
            if (budget <= 0) {
                return null;
            }
            sentences.setText(new StringCharacterIterator(text, start, end, start));
            int from = end;
            int used = 0;
            int boundary = sentences.last();
            while ((boundary = sentences.previous()) != BreakIterator.DONE && boundary > start) {
                int count = count(boundary, from);
                if (used + count > budget) {
                    break;
                }
                used += count;
                from = boundary;
            }
            if (from == end) {
                int sentenceStart = Math.max(boundary, start);
                for (int wordEnd = end; ; ) {
                    int wordStart = skipBack(skipBack(wordEnd, sentenceStart, true), sentenceStart, false);
                    if (wordStart <= start) {
                        break;
                    }
                    int count = count(wordStart, wordEnd);
                    if (used + count > budget) {
                        break;
                    }
                    used += count;
                    from = wordStart;
                    wordEnd = wordStart;
                }
            }
            return from == end ? null : new Overlap(from, used);
        }

        // --- text helpers ------------------------------------------------------------------

        private int count(int start, int end) {
            return tokens.estimateTokenCountInText(text.substring(start, end));
        }

        private Span trim(int start, int end) {
            return new Span(skip(start, end, true), skipBack(end, start, true));
        }

        /** First index from {@code pos} (up to {@code limit}) that is not (or is) whitespace. */
        private int skip(int pos, int limit, boolean whitespace) {
            while (pos < limit && Character.isWhitespace(text.charAt(pos)) == whitespace) {
                pos++;
            }
            return pos;
        }

        /** Moves {@code pos} left (down to {@code floor}) over whitespace (or non-whitespace). */
        private int skipBack(int pos, int floor, boolean whitespace) {
            while (pos > floor && Character.isWhitespace(text.charAt(pos - 1)) == whitespace) {
                pos--;
            }
            return pos;
        }
    }
}
