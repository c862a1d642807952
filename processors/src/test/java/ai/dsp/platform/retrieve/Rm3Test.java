package ai.dsp.platform.retrieve;

import ai.dsp.platform.store.ChunkStoreContract;
import ai.dsp.platform.store.ScoredChunk;
import ai.dsp.platform.store.SearchRequest;
import ai.dsp.platform.store.TermStatistics;
import ai.dsp.platform.store.lucene.LuceneChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static ai.dsp.platform.store.ChunkStoreContract.chunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Rm3Test {

    private static final Rm3.Settings ANSERINI = new Rm3.Settings(10, 10, 0.5);

    @Test
    void theQueryKeepsItsShareAndFeedbackTermsShareTheRestByChunkScoreAndFrequency() {
        // two feedback chunks of a 100-chunk collection; "common" is in 20 of them: a collection stop word
        TermStatistics statistics = new TermStatistics(
                List.of(Map.of("compil", 3, "pars", 1, "common", 5), Map.of("compil", 1, "lexic", 1)),
                Map.of("compil", 4L, "pars", 3L, "common", 20L, "lexic", 2L), 100);

        Map<String, Double> expanded = Rm3.expand(List.of("compil", "optim"), List.of(3f, 1f), statistics, ANSERINI);

        // relevance model: compil 3/4*3 + 1/2*1 = 2.75, pars 1/4*3 = 0.75, lexic 1/2*1 = 0.5; sum 4
        assertThat(expanded).containsOnlyKeys("compil", "optim", "pars", "lexic");
        assertThat(expanded.get("compil")).isCloseTo(0.5 * 0.5 + 0.5 * 2.75 / 4, within(1e-9));
        assertThat(expanded.get("optim")).isCloseTo(0.25, within(1e-9));
        assertThat(expanded.get("pars")).isCloseTo(0.5 * 0.75 / 4, within(1e-9));
        assertThat(expanded.get("lexic")).isCloseTo(0.5 * 0.5 / 4, within(1e-9));
        assertThat(expanded.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void onlyTheHeaviestFeedbackTermsAndPlainWordsExpandTheQuery() {
        TermStatistics statistics = new TermStatistics(List.of(Map.of("alpha", 5, "beta", 4, "gamma", 1, "x", 9, "c++", 9)),
                Map.of(), 1000);

        Map<String, Double> expanded = Rm3.expand(List.of("query"), List.of(1f), statistics, new Rm3.Settings(10, 2, 0.5));

        // one-letter and non-alphanumeric terms are not feedback; of the rest the two heaviest
        assertThat(expanded).containsOnlyKeys("query", "alpha", "beta");
        assertThat(expanded.get("alpha")).isCloseTo(0.5 * 5 / 9, within(1e-9));
    }

    @Test
    void expansionFindsTheRelevantChunkThatSharesNoWordWithTheQuery(@TempDir Path dir) {
        try (LuceneChunkStore store = new LuceneChunkStore(dir, ChunkStoreContract.spaces(8), Duration.ZERO)) {
            store.replaceDocument("c", "a", List.of(chunk("a", 0, "Compilers translate source programs; the parser builds syntax trees.")));
            store.replaceDocument("c", "b", List.of(chunk("b", 0, "Compilers optimize code; a parser checks syntax first.")));
            store.replaceDocument("c", "t", List.of(chunk("t", 0, "Syntax trees and parser generators, the grammar tools.")));
            for (int i = 0; i < 30; i++) {
                store.replaceDocument("c", "n" + i, List.of(chunk("n" + i, 0, "Unrelated note " + i + " about payroll and holidays.")));
            }
            SearchRequest request = new SearchRequest("c", "compilers", null, 10, List.of());

            List<ScoredChunk> plain = store.searchKeyword(request);
            List<ScoredChunk> expanded = new Rm3(store).search(request, new Rm3.Settings(2, 10, 0.5));

            assertThat(plain).extracting(hit -> hit.chunk().documentId()).containsExactlyInAnyOrder("a", "b");
            // "t" never says compilers, but shares the feedback chunks' parser/syntax vocabulary
            assertThat(expanded).extracting(hit -> hit.chunk().documentId()).containsExactlyInAnyOrder("a", "b", "t");
            assertThat(expanded.get(2).chunk().documentId()).isEqualTo("t");
        }
    }

    @Test
    void feedbackIsPerDocumentAndADocumentScoresItsBestChunkForTheQueryPlusItsBestForTheExpansion(@TempDir Path dir) {
        try (LuceneChunkStore store = new LuceneChunkStore(dir, ChunkStoreContract.spaces(8), Duration.ZERO)) {
            // each article: an abstract chunk, then a chunk of what it cites (as CACM's are chunked)
            store.replaceDocument("c", "a", List.of(chunk("a", 0, "Compilers translate source programs into machine code."),
                    chunk("a", 1, "References: lexer grammar tokenizer.")));
            store.replaceDocument("c", "b", List.of(chunk("b", 0, "Compilers for small machines: code generation."),
                    chunk("b", 1, "References: lexer grammar tokenizer.")));
            store.replaceDocument("c", "split", List.of(chunk("split", 0, "Compilers and machine code, briefly."),
                    chunk("split", 1, "References: lexer grammar tokenizer.")));
            store.replaceDocument("c", "whole", List.of(chunk("whole", 0, "Compilers compilers compilers, machine code.")));
            for (int i = 0; i < 30; i++) {
                store.replaceDocument("c", "n" + i, List.of(chunk("n" + i, 0, "Unrelated note " + i + " about payroll and holidays.")));
            }
            SearchRequest request = new SearchRequest("c", "compilers machine code", null, 10, List.of());

            List<ScoredChunk> expanded = new Rm3(store).search(request, new Rm3.Settings(3, 10, 0.5));

            // the feedback documents' citation chunks are in the relevance model, though no first-pass hit was one
            assertThat(expanded).extracting(hit -> hit.chunk().documentId()).doesNotHaveDuplicates()
                    .contains("a", "b", "split", "whole");
            ScoredChunk split = expanded.stream().filter(hit -> hit.chunk().documentId().equals("split")).findFirst().orElseThrow();
            ScoredChunk whole = expanded.stream().filter(hit -> hit.chunk().documentId().equals("whole")).findFirst().orElseThrow();
            // "split" matches the query in one chunk and the expansion in the other: it gets both
            assertThat(split.score()).isGreaterThan(whole.score());
            assertThat(split.chunk().ordinal()).as("shown by its best chunk for the query").isZero();
        }
    }
}
