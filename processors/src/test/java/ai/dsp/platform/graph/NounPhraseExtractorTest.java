package ai.dsp.platform.graph;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NounPhraseExtractorTest {

    private static final NounPhraseExtractor EXTRACTOR = new NounPhraseExtractor();

    @Test
    void nounPhrasesBecomeEntitiesKeyedByTheirLemmas() {
        ExtractedGraph graph = EXTRACTOR.extract("The harbor ferries leave at dawn. Maria Keller inspects every ferry.");

        assertThat(graph.entities()).extracting(ExtractedGraph.Entity::key).contains("harbor ferry", "maria keller", "ferry");
        ExtractedGraph.Entity keller = entity(graph, "maria keller");
        assertThat(keller.name()).isEqualTo("Maria Keller");
        assertThat(keller.type()).isEqualTo("proper");
        assertThat(entity(graph, "harbor ferry").type()).isEqualTo("concept");
    }

    @Test
    void theVerbBetweenTwoEntitiesOfASentenceRelatesThem() {
        ExtractedGraph graph = EXTRACTOR.extract("Maria Keller leads Project Falcon.");

        assertThat(graph.relations()).containsExactly(
                new ExtractedGraph.Relation("maria keller", "project falcon", "lead", NounPhraseExtractor.VERB_WEIGHT));
    }

    @Test
    void aPresentTenseVerbAfterANameIsNotTakenForPartOfIt() {
        ExtractedGraph graph = EXTRACTOR.extract("Sara Lind manages the Porto office.");

        assertThat(graph.entities()).extracting(ExtractedGraph.Entity::key).containsExactly("sara lind", "porto office");
        assertThat(graph.relations()).extracting(ExtractedGraph.Relation::type).containsExactly("manage");
        assertThat(EXTRACTOR.extract("The harbor ferries leave at dawn.").entities()).extracting(ExtractedGraph.Entity::key)
                .as("a plural after a common noun stays a noun").contains("harbor ferry");
    }

    @Test
    void entitiesWithoutAVerbBetweenThemCoOccurAndSentencesDoNotJoin() {
        ExtractedGraph graph = EXTRACTOR.extract("Tide tables, harbor charts and pilot boats. The lighthouse stands alone.");

        assertThat(graph.relations()).contains(new ExtractedGraph.Relation("tide table", "harbor chart",
                ExtractedGraph.Relation.CO_OCCURS, NounPhraseExtractor.NEIGHBOUR_WEIGHT));
        assertThat(graph.relations()).noneMatch(r -> r.source().equals("lighthouse") || r.target().equals("lighthouse"));
    }

    @Test
    void repeatedMentionsAreCountedAndBlankTextHasNoGraph() {
        ExtractedGraph graph = EXTRACTOR.extract("The lighthouse is old. Visitors climb the lighthouse.");

        assertThat(entity(graph, "lighthouse").mentions()).isEqualTo(2);
        assertThat(EXTRACTOR.extract("  ")).isEqualTo(ExtractedGraph.EMPTY);
        assertThat(EXTRACTOR.extract(null)).isEqualTo(ExtractedGraph.EMPTY);
    }

    private static ExtractedGraph.Entity entity(ExtractedGraph graph, String key) {
        List<ExtractedGraph.Entity> found = graph.entities().stream().filter(e -> e.key().equals(key)).toList();
        assertThat(found).as("entity " + key + " in " + graph.entities()).hasSize(1);
        return found.get(0);
    }
}
