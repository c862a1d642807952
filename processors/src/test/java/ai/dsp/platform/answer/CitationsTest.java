package ai.dsp.platform.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CitationsTest {

    private static final List<Source> THREE_SOURCES = List.of(source(1), source(2), source(3));

    @Test
    void readsMarkersInOrderOfFirstAppearanceWithoutRepeats() {
        assertThat(Citations.parse("Backups run nightly [3]. They are kept 35 days [1][3].", THREE_SOURCES))
                .containsExactly(3, 1);
    }

    @Test
    void readsGroupedMarkers() {
        assertThat(Citations.parse("Both teams agree [2, 1].", THREE_SOURCES)).containsExactly(2, 1);
    }

    @Test
    void dropsNumbersThatMatchNoSource() {
        assertThat(Citations.parse("See [0], [4] and [2]; also [a] and [].", THREE_SOURCES)).containsExactly(2);
    }

    private static Source source(int number) {
        return new Source(number, "doc" + number, "doc" + number + ":0", "doc" + number + ".md", "text", 1.0);
    }
}
