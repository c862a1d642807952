package ai.dsp.platform.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamedCitationsTest {

    private static final List<Source> SOURCES = List.of(
            new Source(1, "a", "a:0", "a.md", "alpha", 0.9),
            new Source(2, "b", "b:0", "b.md", "beta", 0.8),
            new Source(3, "c", "c:0", "c.md", "gamma", 0.7));

    @Test
    void aMarkerCountsOnceItsClosingBracketHasCome() {
        StreamedCitations citations = new StreamedCitations(SOURCES);

        assertThat(citations.add("Backups are kept for 35 days [")).isEmpty();
        assertThat(citations.add("2")).isEmpty();
        assertThat(citations.add("].")).containsExactly(2);
    }

    @Test
    void aMultiDigitMarkerSplitAfterItsFirstDigitIsNotReadEarly() {
        List<Source> twelve = new ArrayList<>();
        for (int n = 1; n <= 12; n++) {
            twelve.add(new Source(n, "d" + n, "d" + n + ":0", null, "text", 0.5));
        }
        StreamedCitations citations = new StreamedCitations(twelve);

        assertThat(citations.add("See [1")).isEmpty();
        assertThat(citations.add("2] and [1]")).containsExactly(12, 1);
    }

    @Test
    void eachSourceIsCitedOnceAndUnknownNumbersNever() {
        StreamedCitations citations = new StreamedCitations(SOURCES);

        assertThat(citations.add("First [3], then [1, 3")).containsExactly(3);
        assertThat(citations.add("] and [9] again [1][2].")).containsExactly(1, 2);
        assertThat(citations.add(" Once more [2].")).isEmpty();
    }

    @Test
    void overAWholeAnswerItFindsWhatTheAnswerCites() {
        String text = "Nightly backups are kept for 35 days [2]; restores [x] are tested [3, 2] quarterly [1].";
        StreamedCitations citations = new StreamedCitations(SOURCES);
        List<Integer> streamed = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 3) {
            streamed.addAll(citations.add(text.substring(i, Math.min(text.length(), i + 3))));
        }

        assertThat(streamed).containsExactly(2, 3, 1).isEqualTo(Citations.parse(text, SOURCES));
    }
}
