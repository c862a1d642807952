package ai.dsp.platform.graph;

import opennlp.tools.lemmatizer.LemmatizerModel;
import opennlp.tools.lemmatizer.ThreadSafeLemmatizerME;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.ThreadSafePOSTaggerME;
import opennlp.tools.sentdetect.SentenceModel;
import opennlp.tools.sentdetect.ThreadSafeSentenceDetectorME;
import opennlp.tools.tokenize.ThreadSafeTokenizerME;
import opennlp.tools.tokenize.TokenizerModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The extractor that needs no LLM: Apache OpenNLP's English models (Universal Dependencies,
 * from Maven Central) split sentences, tokens and parts of speech. Entities are noun phrases (a
 * run of adjectives, nouns and proper nouns that ends in a noun), keyed by their lemmas. Within
 * a sentence, two entities in a row are related by the last verb between them (its lemma, weight
 * 1), or else by co-occurrence; entities a little further apart in the sentence co-occur with
 * weight 0.5. Thread-safe.
 */
public final class NounPhraseExtractor implements EntityExtractor {

    private static final String SENTENCE_MODEL = "/opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin";
    private static final String TOKEN_MODEL = "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";
    private static final String POS_MODEL = "/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";
    private static final String LEMMA_MODEL = "/opennlp-en-ud-ewt-lemmas-1.3-2.5.4.bin";

    static final double VERB_WEIGHT = 1.0;
    static final double NEIGHBOUR_WEIGHT = 0.5;
    /** Entities this many places apart in a sentence still co-occur; further apart they do not. */
    private static final int CO_OCCURRENCE_WINDOW = 3;
    private static final int MAX_ENTITY_TOKENS = 6;
    /** Nouns too general to join two documents on. */
    private static final Set<String> GENERIC = Set.of("thing", "way", "part", "lot", "kind", "type", "time", "year", "day",
            "number", "example", "case", "use", "result", "people", "one", "other");

    private final ThreadSafeSentenceDetectorME sentences;
    private final ThreadSafeTokenizerME tokenizer;
    private final ThreadSafePOSTaggerME tagger;
    private final ThreadSafeLemmatizerME lemmatizer;

    public NounPhraseExtractor() {
        try {
            sentences = new ThreadSafeSentenceDetectorME(new SentenceModel(model(SENTENCE_MODEL)));
            tokenizer = new ThreadSafeTokenizerME(new TokenizerModel(model(TOKEN_MODEL)));
            tagger = new ThreadSafePOSTaggerME(new POSModel(model(POS_MODEL)));
            lemmatizer = new ThreadSafeLemmatizerME(new LemmatizerModel(model(LEMMA_MODEL)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the OpenNLP models", e);
        }
    }

    private static InputStream model(String resource) {
        InputStream in = NounPhraseExtractor.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("OpenNLP model " + resource + " is not on the class path");
        }
        return in;
    }

    @Override
    public ExtractedGraph extract(String text) {
        if (text == null || text.isBlank()) {
            return ExtractedGraph.EMPTY;
        }
        Map<String, ExtractedGraph.Entity> entities = new LinkedHashMap<>();
        Map<String, ExtractedGraph.Relation> relations = new LinkedHashMap<>();
        for (String sentence : sentences.sentDetect(text)) {
            String[] tokens = tokenizer.tokenize(sentence);
            if (tokens.length == 0) {
                continue;
            }
            String[] tags = verbsBetweenNames(tokens, tagger.tag(tokens));
            String[] lemmas = lemmatizer.lemmatize(tokens, tags);
            List<Phrase> phrases = phrases(tokens, tags, lemmas);
            phrases.forEach(phrase -> entities.merge(phrase.key(), new ExtractedGraph.Entity(phrase.key(), phrase.name(), phrase.type(), 1),
                    (a, b) -> new ExtractedGraph.Entity(a.key(), a.name(), a.type(), a.mentions() + 1)));
            relate(phrases, tags, lemmas, relations);
        }
        return new ExtractedGraph(List.copyOf(entities.values()), List.copyOf(relations.values()));
    }

    /**
     * The small UD model often takes a present-tense verb after a name for a plural noun ("Maria
     * Keller leads Project Falcon", "Sara Lind manages the office"), which would make one phrase
     * of the name and the verb: a lower-case noun in -s after a capitalised name and before
     * another capitalised word, a determiner, a preposition or a pronoun is taken as the verb it is.
     */
    static String[] verbsBetweenNames(String[] tokens, String[] tags) {
        String[] fixed = tags.clone();
        for (int i = 1; i + 1 < tokens.length; i++) {
            if ("NOUN".equals(tags[i]) && tokens[i].endsWith("s") && Character.isLowerCase(tokens[i].charAt(0))
                    && "PROPN".equals(tags[i - 1]) && Character.isUpperCase(tokens[i - 1].charAt(0))
                    && (capitalisedNominal(tokens[i + 1], tags[i + 1]) || VERB_FOLLOWERS.contains(tags[i + 1]))) {
                fixed[i] = "VERB";
            }
        }
        return fixed;
    }

    /** What follows a verb but never continues a noun phrase. */
    private static final Set<String> VERB_FOLLOWERS = Set.of("DET", "ADP", "PRON");

    private static boolean capitalisedNominal(String token, String tag) {
        return ("PROPN".equals(tag) || "NOUN".equals(tag)) && Character.isUpperCase(token.charAt(0));
    }

    /**
     * The key a name has in the graph, as this extractor would key the phrase: what an LLM names
     * "Harbor Ferries" meets the phrase "the harbor ferry" of another chunk.
     */
    public String key(String name) {
        String[] tokens = tokenizer.tokenize(name == null ? "" : name.strip());
        if (tokens.length == 0) {
            return "";
        }
        String[] tags = tagger.tag(tokens);
        String[] lemmas = lemmatizer.lemmatize(tokens, tags);
        List<String> parts = new ArrayList<>();
        for (int t = 0; t < tokens.length; t++) {
            boolean noun = "NOUN".equals(tags[t]) && lemmas[t] != null && !lemmas[t].isBlank() && !"O".equals(lemmas[t]);
            parts.add((noun ? lemmas[t] : tokens[t]).toLowerCase(Locale.ROOT));
        }
        return String.join(" ", parts).replaceAll("[^\\p{L}\\p{N} '\\-]", "").replaceAll(" +", " ").strip();
    }

    /** A noun phrase at tokens [start, end). */
    private record Phrase(int start, int end, String key, String name, String type) {
    }

    private static List<Phrase> phrases(String[] tokens, String[] tags, String[] lemmas) {
        List<Phrase> phrases = new ArrayList<>();
        int i = 0;
        while (i < tokens.length) {
            if (!nominal(tags[i])) {
                i++;
                continue;
            }
            int start = i;
            while (i < tokens.length && nominal(tags[i]) && i - start < MAX_ENTITY_TOKENS) {
                i++;
            }
            int end = i;
            // a phrase ends in its head noun: trailing adjectives ("the harbour is busy") are not part of it
            while (end > start && "ADJ".equals(tags[end - 1])) {
                end--;
            }
            if (end > start) {
                phrase(tokens, tags, lemmas, start, end).ifPresent(phrases::add);
            }
        }
        return phrases;
    }

    private static Optional<Phrase> phrase(String[] tokens, String[] tags, String[] lemmas, int start, int end) {
        List<String> keyParts = new ArrayList<>();
        List<String> nameParts = new ArrayList<>();
        boolean proper = false;
        for (int t = start; t < end; t++) {
            proper |= "PROPN".equals(tags[t]);
            String word = "PROPN".equals(tags[t]) || lemmas[t] == null || lemmas[t].isBlank() || "O".equals(lemmas[t]) ? tokens[t] : lemmas[t];
            keyParts.add(word.toLowerCase(Locale.ROOT));
            nameParts.add(tokens[t]);
        }
        String key = String.join(" ", keyParts).replaceAll("[^\\p{L}\\p{N} '\\-]", "").strip();
        if (key.length() < 2 || key.chars().noneMatch(Character::isLetter) || GENERIC.contains(key)) {
            return Optional.empty();
        }
        return Optional.of(new Phrase(start, end, key, String.join(" ", nameParts), proper ? "proper" : "concept"));
    }

    private static boolean nominal(String tag) {
        return "NOUN".equals(tag) || "PROPN".equals(tag) || "ADJ".equals(tag);
    }

    private static void relate(List<Phrase> phrases, String[] tags, String[] lemmas, Map<String, ExtractedGraph.Relation> relations) {
        for (int a = 0; a < phrases.size(); a++) {
            for (int b = a + 1; b < phrases.size() && b - a <= CO_OCCURRENCE_WINDOW; b++) {
                Phrase from = phrases.get(a);
                Phrase to = phrases.get(b);
                if (from.key().equals(to.key())) {
                    continue;
                }
                String verb = b == a + 1 ? verbBetween(from, to, tags, lemmas) : null;
                ExtractedGraph.Relation relation = verb != null
                        ? new ExtractedGraph.Relation(from.key(), to.key(), verb, VERB_WEIGHT)
                        : new ExtractedGraph.Relation(from.key(), to.key(), ExtractedGraph.Relation.CO_OCCURS,
                        b == a + 1 ? NEIGHBOUR_WEIGHT : NEIGHBOUR_WEIGHT / 2);
                relations.merge(from.key() + "\u0000" + to.key() + "\u0000" + relation.type(), relation,
                        (x, y) -> new ExtractedGraph.Relation(x.source(), x.target(), x.type(), x.weight() + y.weight()));
            }
        }
    }

    /** The lemma of the last verb between two phrases, or null when none links them. */
    private static String verbBetween(Phrase from, Phrase to, String[] tags, String[] lemmas) {
        String verb = null;
        for (int t = from.end(); t < to.start(); t++) {
            if ("VERB".equals(tags[t]) && lemmas[t] != null && !lemmas[t].isBlank()) {
                verb = lemmas[t].toLowerCase(Locale.ROOT);
            }
        }
        return verb;
    }
}
