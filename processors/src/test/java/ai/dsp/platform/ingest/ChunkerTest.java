package ai.dsp.platform.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static final TokenCountEstimator TOKENS = new HuggingFaceTokenCountEstimator();
    private static final String[] WORDS = ("the system stores each document as passages that a retrieval model ranks "
            + "against questions while operators watch latency budgets and index growth over time").split(" ");

    private final Chunker chunker = new Chunker(new ChunkingProperties(64, 16), TOKENS);

    @Test
    void everyChunkRespectsTheTokenLimit() {
        String text = String.join("\n\n",
                paragraphs(new Random(1), 40),
                words(new Random(2), 900) + ".",                // one sentence far over the limit
                "x".repeat(700) + "y".repeat(700),              // one word far over the limit
                "a-b/c_d.e".repeat(300));                       // punctuation-heavy, no spaces

        List<TextChunk> chunks = chunker.split(text);

        assertThat(chunks).hasSizeGreaterThan(20);
        assertThat(chunks).allSatisfy(chunk -> assertThat(TOKENS.estimateTokenCountInText(chunk.text())).isLessThanOrEqualTo(64));
        assertThat(chunks).extracting(TextChunk::ordinal).containsExactlyElementsOf(IntStream.range(0, chunks.size()).boxed().toList());
    }

    @Test
    void headingsStartChunksAndNestIntoPaths() {
        String text = """
                Preamble line.

                # Guide
                Welcome to the guide.

                ## Install
                Get the package.

                ### Linux
                Use the tarball.

                ## Usage ##
                Run it.
                """;

        List<TextChunk> chunks = chunker.split(text);

        assertThat(chunks).extracting(TextChunk::headingPath).containsExactly(
                List.of(), List.of("Guide"), List.of("Guide", "Install"), List.of("Guide", "Install", "Linux"),
                List.of("Guide", "Usage"));
        assertThat(chunks).extracting(TextChunk::text).containsExactly(
                "Preamble line.", "# Guide\nWelcome to the guide.", "## Install\nGet the package.",
                "### Linux\nUse the tarball.", "## Usage ##\nRun it.");
    }

    @Test
    void headingWithoutTextOfItsOwnGivesNoChunk() {
        List<TextChunk> chunks = chunker.split("# Guide\n\n## Install\nGet the package.");

        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.headingPath()).containsExactly("Guide", "Install");
            assertThat(chunk.text()).isEqualTo("## Install\nGet the package.");
        });
    }

    @Test
    void hashLinesInsideCodeFencesAreNotHeadings() {
        List<TextChunk> chunks = chunker.split("# Setup\n```\n# install deps\nmake\n```\nDone.");

        assertThat(chunks).singleElement().extracting(TextChunk::headingPath).isEqualTo(List.of("Setup"));
    }

    @Test
    void chunksEndAtSentenceBoundaries() {
        String oneParagraph = paragraphs(new Random(3), 4).replace("\n\n", " ");
        Chunker noOverlap = new Chunker(new ChunkingProperties(48, 0), TOKENS);

        List<TextChunk> chunks = noOverlap.split(oneParagraph);

        assertThat(chunks).hasSizeGreaterThan(3);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.text()).endsWith(".");
            assertThat(Character.isUpperCase(chunk.text().charAt(0))).isTrue();
        });
    }

    @Test
    void consecutiveChunksOfASectionOverlapButSectionsDoNot() {
        String text = "# One\n" + sentences(new Random(5), 30) + "\n\n# Two\n" + sentences(new Random(6), 30);

        List<TextChunk> chunks = chunker.split(text);

        for (int i = 1; i < chunks.size(); i++) {
            TextChunk previous = chunks.get(i - 1);
            TextChunk current = chunks.get(i);
            if (previous.headingPath().equals(current.headingPath())) {
                assertThat(current.startOffset()).isLessThan(previous.endOffset());
                String shared = text.substring(current.startOffset(), previous.endOffset());
                assertThat(TOKENS.estimateTokenCountInText(shared)).isBetween(1, 16);
            } else {
                assertThat(current.startOffset()).isGreaterThanOrEqualTo(previous.endOffset());
                assertThat(current.text()).startsWith("# Two");
            }
        }
        assertThat(chunks).extracting(TextChunk::headingPath).containsOnly(List.of("One"), List.of("Two"));
    }

    @Test
    void offsetsMapBackIntoTheInput() {
        String text = "  Intro.\n\n# A\n" + paragraphs(new Random(7), 8) + "\n\n\n## B\n\n" + words(new Random(8), 300);

        assertThat(chunker.split(text)).allSatisfy(chunk ->
                assertThat(text.substring(chunk.startOffset(), chunk.endOffset())).isEqualTo(chunk.text()));
    }

    @Test
    void sameInputGivesSameChunks() {
        String text = "# T\n" + paragraphs(new Random(9), 10);

        assertThat(chunker.split(text)).isEqualTo(chunker.split(text));
    }

    @Test
    void blankInputGivesNoChunks() {
        assertThat(chunker.split("")).isEmpty();
        assertThat(chunker.split(" \n\n\t ")).isEmpty();
        assertThat(chunker.split(null)).isEmpty();
    }

    /** Paragraphs of 2 to 7 sentences of 6 to 20 words, separated by blank lines. */
    private static String paragraphs(Random random, int count) {
        return IntStream.range(0, count)
                .mapToObj(p -> sentences(random, 2 + random.nextInt(6)))
                .collect(Collectors.joining("\n\n"));
    }

    private static String sentences(Random random, int count) {
        return IntStream.range(0, count).mapToObj(s -> sentence(random)).collect(Collectors.joining(" "));
    }

    private static String sentence(Random random) {
        String words = words(random, 6 + random.nextInt(15));
        return Character.toUpperCase(words.charAt(0)) + words.substring(1) + ".";
    }

    private static String words(Random random, int count) {
        return IntStream.range(0, count).mapToObj(i -> WORDS[random.nextInt(WORDS.length)]).collect(Collectors.joining(" "));
    }
}
