package ai.dsp.platform.answer;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Answers without a language model by quoting the retrieved sentences that share the most
 * content terms with the question, each followed by its source marker {@code [n]}.
 *
 * <p>A sentence's score is the number of distinct question terms it contains, weighted by its
 * source's rank so earlier (better retrieved) sources win ties and near-ties. The best sentence
 * is always kept; up to {@code maxSentences - 1} more are added when they score at least half as
 * well, and the chosen sentences are printed in source order, then text order, so the answer
 * reads like the documents do. When no sentence shares a term with the question, the first
 * usable sentence of the best source (or, if it has none, of the next) is returned, cited.
 * A sentence repeated by overlapping chunks is quoted once, and the documents' own {@code [n]}
 * footnote markers are removed so they cannot pass for citations.
 *
 * <p>Sentences under {@value #MIN_WORDS} words (headings, fragments) are skipped. Sentences over
 * {@value #MAX_WORDS} words (usually extraction run-ons such as tables) are truncated to their
 * first {@value #MAX_WORDS} words plus an ellipsis, and scored on those words only, so an answer
 * never gets credit for words the reader cannot see. The result is deterministic.
 */
public final class ExtractiveAnswerer implements Answerer {

    public static final String GENERATOR = "extractive";
    public static final int DEFAULT_MAX_SENTENCES = 3;

    static final int MIN_WORDS = 4;
    static final int MAX_WORDS = 80;

    // Source 1 weighs 1.0, source 2 0.87, source 3 0.77...: a later source wins with clearly
    // more matching terms, not with the same number.
    private static final double RANK_DECAY = 0.15;

    // Extra sentences must score at least this share of the best one, so a precise answer is
    // not padded with sentences that merely share one word with the question.
    private static final double MIN_SHARE_OF_BEST = 0.5;

    // Chunk text is often hard-wrapped, so a single line break continues the sentence; a blank
    // line ends the paragraph (and a heading), which BreakIterator alone would not see.
    private static final Pattern BLANK_LINE = Pattern.compile("\\R\\s*\\R");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final int maxSentences;

    public ExtractiveAnswerer() {
        this(DEFAULT_MAX_SENTENCES);
    }

    public ExtractiveAnswerer(int maxSentences) {
        if (maxSentences < 1) {
            throw new IllegalArgumentException("maxSentences must be at least 1, got " + maxSentences);
        }
        this.maxSentences = maxSentences;
    }

    @Override
    public Answer answer(String question, List<Source> sources) {
        return answer(pieces(question, sources), sources);
    }

    /** Sentence by sentence: each quoted sentence with its marker is one piece. */
    @Override
    public void stream(String question, List<Source> sources, Consumer<String> onToken,
            Consumer<Answer> onComplete, Consumer<Throwable> onError) {
        List<String> pieces;
        try {
            pieces = pieces(question, sources);
        } catch (RuntimeException e) {
            onError.accept(e);
            return;
        }
        Answer answer = answer(pieces, sources);
        answer.deliver(pieces.isEmpty() ? List.of(answer.text()) : pieces, onToken, onComplete, onError);
    }

    private static Answer answer(List<String> pieces, List<Source> sources) {
        if (pieces.isEmpty()) {
            return Answer.noMatchingContent(GENERATOR);
        }
        String text = String.join("", pieces);
        return new Answer(text, Citations.parse(text, sources), GENERATOR);
    }

    /** The answer's text in pieces that add up to it: the chosen sentences, cited, each after the first led by a space. */
    private List<String> pieces(String question, List<Source> sources) {
        List<Sentence> candidates = sentences(sources, Terms.of(question));
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Sentence> chosen = best(candidates);
        if (chosen.isEmpty()) {
            chosen = List.of(candidates.get(0));
        }
        List<String> pieces = new ArrayList<>(chosen.size());
        for (Sentence sentence : chosen) {
            pieces.add(pieces.isEmpty() ? sentence.cited() : " " + sentence.cited());
        }
        return pieces;
    }

    private List<Sentence> best(List<Sentence> candidates) {
        List<Sentence> ranked = candidates.stream()
                .filter(sentence -> sentence.score() > 0)
                .sorted(Comparator.comparingDouble(Sentence::score).reversed().thenComparing(Sentence.READING_ORDER))
                .toList();
        if (ranked.isEmpty()) {
            return List.of();
        }
        double threshold = ranked.get(0).score() * MIN_SHARE_OF_BEST;
        return ranked.stream()
                .filter(sentence -> sentence.score() >= threshold)
                .limit(maxSentences)
                .sorted(Sentence.READING_ORDER)
                .toList();
    }

    /** Every usable sentence of every source, scored, in reading order, each distinct text once. */
    private static List<Sentence> sentences(List<Source> sources, Set<String> questionTerms) {
        List<Sentence> sentences = new ArrayList<>();
        // Overlapping chunks repeat sentences; the copy in the better-ranked source is kept.
        Set<String> seen = new HashSet<>();
        for (int rank = 0; rank < sources.size(); rank++) {
            Source source = sources.get(rank);
            List<String> texts = split(source.text());
            for (int position = 0; position < texts.size(); position++) {
                String text = texts.get(position);
                if (seen.add(text.toLowerCase(Locale.ROOT))) {
                    double score = matches(questionTerms, Terms.of(text)) / (1 + RANK_DECAY * rank);
                    sentences.add(new Sentence(source, rank, position, text, score));
                }
            }
        }
        return sentences;
    }

    private static long matches(Set<String> questionTerms, Set<String> sentenceTerms) {
        return questionTerms.stream().filter(sentenceTerms::contains).count();
    }

    private static List<String> split(String passage) {
        List<String> sentences = new ArrayList<>();
        BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        for (String paragraph : BLANK_LINE.split(passage)) {
            // The document's own "[n]" footnotes would read as citations of our sources.
            String text = WHITESPACE.matcher(Citations.strip(paragraph)).replaceAll(" ");
            boundaries.setText(text);
            for (int start = boundaries.first(), end = boundaries.next(); end != BreakIterator.DONE;
                    start = end, end = boundaries.next()) {
                String[] words = WHITESPACE.split(text.substring(start, end).strip());
                if (words.length >= MIN_WORDS) {
                    sentences.add(limitLength(words));
                }
            }
        }
        return sentences;
    }

    private static String limitLength(String[] words) {
        if (words.length <= MAX_WORDS) {
            return String.join(" ", words);
        }
        return String.join(" ", Arrays.copyOf(words, MAX_WORDS)) + " …";
    }

    private record Sentence(Source source, int rank, int position, String text, double score) {

        static final Comparator<Sentence> READING_ORDER =
                Comparator.comparingInt(Sentence::rank).thenComparingInt(Sentence::position);

        String cited() {
            return text + " [" + source.number() + "]";
        }
    }
}
