package ai.dsp.platform.answer;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The content terms of an English text: lower-cased words without stopwords, crudely stemmed so
 * that "backups"/"backup" and "rotated"/"rotating"/"rotate" meet. Crude is enough here: both the
 * question and the passages go through the same function, so only consistency matters.
 */
final class Terms {

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{Nd}]+");

    // Function words plus the filler of questions ("tell me about", "please explain"), which
    // would otherwise make every sentence look relevant.
    private static final Set<String> STOPWORDS = Set.of(
            "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
            "because", "been", "being", "but", "by", "can", "could", "describe", "did", "do", "does",
            "explain", "for", "from", "give", "had", "has", "have", "he", "her", "here", "his", "how",
            "i", "if", "in", "into", "is", "it", "its", "just", "me", "might", "more", "most", "much",
            "must", "my", "no", "not", "of", "on", "only", "or", "other", "our", "please", "shall",
            "she", "should", "so", "some", "such", "tell", "than", "that", "the", "their", "them",
            "then", "there", "these", "they", "this", "those", "to", "us", "was", "we", "were",
            "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with", "would",
            "you", "your");

    private Terms() {
    }

    static Set<String> of(String text) {
        Set<String> terms = new HashSet<>();
        for (String word : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (word.length() > 1 && !STOPWORDS.contains(word)) {
                terms.add(stem(word));
            }
        }
        return terms;
    }

    static String stem(String word) {
        String stem = undoubleFinalConsonant(stripInflection(word));
        // "store", "stores", "stored" and "storing" all become "stor"
        return stem.length() > 3 && stem.endsWith("e") ? chop(stem, 1) : stem;
    }

    private static String stripInflection(String word) {
        if (word.length() > 4 && (word.endsWith("ies") || word.endsWith("ied"))) {
            return chop(word, 3) + "y";
        }
        if (word.endsWith("sses")) {
            return chop(word, 2);
        }
        if (word.length() > 5 && word.endsWith("ing")) {
            return chop(word, 3);
        }
        if (word.length() > 4 && word.endsWith("ed")) {
            return chop(word, 2);
        }
        if (word.length() > 3 && word.endsWith("s") && !endsWithAny(word, "ss", "us", "is")) {
            return chop(word, 1);
        }
        return word;
    }

    // "stopped" -> "stopp" -> "stop", so that it meets "stop"; "ll", "ss" and "zz" are usually
    // part of the word itself ("install", "access").
    private static String undoubleFinalConsonant(String stem) {
        int n = stem.length();
        if (n > 3 && stem.charAt(n - 1) == stem.charAt(n - 2)
                && "bdfgkmnprt".indexOf(stem.charAt(n - 1)) >= 0) {
            return chop(stem, 1);
        }
        return stem;
    }

    private static boolean endsWithAny(String word, String... suffixes) {
        for (String suffix : suffixes) {
            if (word.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static String chop(String word, int count) {
        return word.substring(0, word.length() - count);
    }
}
