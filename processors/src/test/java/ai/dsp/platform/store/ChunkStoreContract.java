package ai.dsp.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import ai.dsp.platform.store.MetadataFilter.Equals;
import ai.dsp.platform.store.MetadataFilter.In;
import ai.dsp.platform.store.MetadataFilter.Range;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ChunkStore} must do, with the same assertions for each implementation:
 * a subclass supplies a fresh, empty store per test and can open it again after a close.
 */
public abstract class ChunkStoreContract {

    protected static final int DIMENSIONS = 8;

    /** One test model of {@code dimensions} for every collection; a store that asks it to re-embed fails the test. */
    public static EmbeddingSpaces spaces(int dimensions) {
        return TestVectors.oneSpace(new EmbeddingSpace("test-model", dimensions), texts -> {
            throw new AssertionError("no rebuild expected");
        });
    }
    protected static final String COLLECTION = "docs";

    protected ChunkStore store;

    /** A new, empty store for one test, its vectors {@link #DIMENSIONS} long. */
    protected abstract ChunkStore newStore();

    /** The same store's data opened again after {@code closed} was closed (a restart). */
    protected abstract ChunkStore reopen(ChunkStore closed);

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Nested
    class KeywordSearch {

        @BeforeEach
        void indexTopics() {
            store.replaceDocument(COLLECTION, "vpn", List.of(chunk("vpn", 0,
                    "Connect to the corporate VPN with the client installed on your laptop.")));
            store.replaceDocument(COLLECTION, "password", List.of(chunk("password", 0,
                    "To reset a forgotten password, open the account portal and request a reset link.")));
            store.replaceDocument(COLLECTION, "expenses", List.of(chunk("expenses", 0,
                    "Expenses are reimbursed monthly; attach every receipt to the expense report.")));
            store.replaceDocument(COLLECTION, "cpp", List.of(chunk("cpp", 0,
                    "Our C++ style guide forbids exceptions in the account service.")));
        }

        @Test
        void ranksTheRelevantChunkFirst() {
            List<ScoredChunk> hits = store.searchKeyword(keyword("how do I reset my passwords", 10));

            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).chunk().documentId()).isEqualTo("password");
            assertThat(hits.get(0).score()).isPositive();
        }

        @Test
        void stemsEnglishSoInflectedFormsMatch() {
            assertThat(documentIds(store.searchKeyword(keyword("reimbursing receipts", 10))))
                    .containsExactly("expenses");
        }

        @ParameterizedTest
        @ValueSource(strings = {"C++ (foo", "AND", "OR NOT", "\"unbalanced", "text:reset*", "a~2 ^3 [x TO", "!!!", "\\"})
        void treatsLuceneSyntaxAsPlainText(String text) {
            assertThatCode(() -> store.searchKeyword(keyword(text, 10))).doesNotThrowAnyException();
        }

        @Test
        void findsTermsInsideSyntaxCharacters() {
            assertThat(documentIds(store.searchKeyword(keyword("(password)^", 10)))).containsExactly("password");
        }

        @Test
        void returnsNothingForStopWordsOnlyOrEmptyText() {
            assertThat(store.searchKeyword(keyword("the and of", 10))).isEmpty();
            assertThat(store.searchKeyword(keyword("   ", 10))).isEmpty();
            assertThat(store.searchKeyword(keyword(null, 10))).isEmpty();
        }

        @Test
        void appliesFiltersToKeywordResults() {
            SearchRequest request = new SearchRequest(COLLECTION, "account", null, 10,
                    List.of(new Equals("documentId", "cpp")));

            assertThat(documentIds(store.searchKeyword(request))).containsExactly("cpp");
        }

        @Test
        void returnsAtMostK() {
            assertThat(store.searchKeyword(keyword("the account report laptop", 2))).hasSize(2);
        }

        @Test
        void weightedTermsRankByTheirWeightedScores() {
            // "account" is in the password and cpp chunks, "laptop" in vpn's: the heavier term's chunks lead
            List<ScoredChunk> laptopFirst = store.searchKeyword(SearchRequest.weightedTerms(COLLECTION,
                    Map.of("account", 0.1, "laptop", 0.9), 10, List.of()));
            List<ScoredChunk> accountFirst = store.searchKeyword(SearchRequest.weightedTerms(COLLECTION,
                    Map.of("account", 0.9, "laptop", 0.1), 10, List.of()));

            assertThat(documentIds(laptopFirst)).hasSize(3).first().isEqualTo("vpn");
            assertThat(documentIds(accountFirst)).hasSize(3).last().isEqualTo("vpn");
            assertThat(documentIds(store.searchKeyword(SearchRequest.weightedTerms(COLLECTION, Map.of("account", 1.0), 10,
                    List.of(new Equals("documentId", "cpp")))))).containsExactly("cpp");
            assertThat(store.searchKeyword(SearchRequest.weightedTerms(COLLECTION, Map.of(), 10, List.of()))).isEmpty();
        }

        @Test
        void hitsForKeysOnlyNameTheSameChunksInTheSameOrder() {
            SearchRequest request = keyword("the account report laptop", 10);

            assertThat(store.searchKeyword(request.keys())).extracting(hit -> hit.chunk().id())
                    .containsExactlyElementsOf(store.searchKeyword(request).stream().map(hit -> hit.chunk().id()).toList());
        }

        @Test
        void termStatisticsCountEachChunksAnalysedTermsAndTheirDocumentFrequencies() {
            List<ScoredChunk> hits = store.searchKeyword(keyword("account", 10));
            List<Chunk> found = hits.stream().map(ScoredChunk::chunk).toList();

            TermStatistics statistics = store.termStatistics(COLLECTION, found);

            assertThat(statistics.chunks()).isEqualTo(4);
            assertThat(statistics.chunkTerms()).hasSize(2);
            Map<String, Integer> password = statistics.chunkTerms().get(documentIds(hits).indexOf("password"));
            // stemmed, stop words gone, repeats counted
            assertThat(password).containsEntry("reset", 2).containsEntry("password", 1).doesNotContainKey("the");
            assertThat(statistics.documentFrequency("account")).isEqualTo(2);
            assertThat(statistics.documentFrequency("reset")).isEqualTo(1);
        }
    }

    @Nested
    class VectorSearch {

        @Test
        void returnsNearestNeighbourFirst() {
            store.replaceDocument(COLLECTION, "d", List.of(
                    vectorChunk("d", 0, unit(1, 0, 0, 0, 0, 0, 0, 0), Map.of()),
                    vectorChunk("d", 1, unit(1, 1, 0, 0, 0, 0, 0, 0), Map.of()),
                    vectorChunk("d", 2, unit(0, 1, 0, 0, 0, 0, 0, 0), Map.of()),
                    vectorChunk("d", 3, unit(0, 0, 0, 0, 0, 0, 0, 1), Map.of())));

            List<ScoredChunk> hits = store.searchVector(vector(unit(0.2f, 1, 0, 0, 0, 0, 0, 0), 3, List.of()));

            assertThat(hits).extracting(hit -> hit.chunk().ordinal()).containsExactly(2, 1, 0);
            assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
            assertThat(store.searchVector(vector(unit(0.2f, 1, 0, 0, 0, 0, 0, 0), 3, List.of()).keys()))
                    .extracting(hit -> hit.chunk().id()).containsExactly("d:2", "d:1", "d:0");
        }

        @Test
        void usesCosineSoVectorLengthDoesNotMatter() {
            store.replaceDocument(COLLECTION, "d", List.of(
                    vectorChunk("d", 0, new float[] {10, 0, 0, 0, 0, 0, 0, 0}, Map.of()),
                    vectorChunk("d", 1, new float[] {0.1f, 0.1f, 0, 0, 0, 0, 0, 0}, Map.of())));

            List<ScoredChunk> hits = store.searchVector(vector(new float[] {0, 3, 0, 0, 0, 0, 0, 0}, 1, List.of()));

            assertThat(hits).extracting(hit -> hit.chunk().ordinal()).containsExactly(1);
        }

        @Test
        void filtersInsideTheKnnQuerySoKResultsSurvive() {
            List<Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 45; i++) {
                chunks.add(vectorChunk("d", i, unit(1, i * 0.01f, 0, 0, 0, 0, 0, 0), Map.of("group", "a")));
            }
            for (int i = 45; i < 50; i++) {
                chunks.add(vectorChunk("d", i, unit(0.05f, 0, 0, 0, 0, 0, (i - 44) * 0.1f, 1), Map.of("group", "b")));
            }
            store.replaceDocument(COLLECTION, "d", chunks);
            float[] query = unit(1, 0, 0, 0, 0, 0, 0, 0);

            List<ScoredChunk> unfiltered = store.searchVector(vector(query, 5, List.of()));
            List<ScoredChunk> filtered = store.searchVector(vector(query, 5, List.of(new Equals("group", "b"))));

            assertThat(unfiltered).allSatisfy(hit -> assertThat(hit.chunk().metadata()).containsEntry("group", "a"));
            assertThat(filtered).extracting(hit -> hit.chunk().ordinal()).containsExactlyInAnyOrder(45, 46, 47, 48, 49);
        }

        @Test
        void findsTheStoredVectorAsAPerfectMatchAndLeavesItOutOfResults() {
            float[] stored = unit(1, 2, 3, 4, 5, 6, 7, 8);
            store.replaceDocument(COLLECTION, "d", List.of(vectorChunk("d", 0, stored, Map.of()),
                    vectorChunk("d", 1, unit(8, 7, 6, 5, 4, 3, 2, 1), Map.of())));

            ScoredChunk best = store.searchVector(vector(stored, 2, List.of())).get(0);
            assertThat(best.chunk().ordinal()).isZero();
            assertThat(best.score()).isCloseTo(1.0f, within(1e-5f));
            assertThat(best.chunk().vector()).isNull();
        }

        @Test
        void rejectsVectorsOfTheWrongDimension() {
            assertThatThrownBy(() -> store.replaceDocument(COLLECTION, "d",
                    List.of(vectorChunk("d", 0, new float[] {1, 0, 0}, Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.searchVector(vector(new float[] {1, 0}, 1, List.of())))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Filters {

        @BeforeEach
        void indexReports() {
            report("d1", "one.pdf", Map.of("year", 2019, "published", "2019-03-01", "tags", List.of("x", "y"),
                    "lang", "en", "draft", false, "code", 7));
            report("d2", "two.pdf", Map.of("year", 2020, "published", "2020-06-15", "tags", List.of("y"),
                    "lang", "de", "draft", true, "code", "x7"));
            report("d3", "three.pdf", Map.of("year", 2021, "published", "2021-01-10", "tags", List.of("z"),
                    "lang", "en", "rating", 4.5));
            report("d4", "four.pdf", Map.of("year", 2022, "published", "2022-12-31", "tags", List.of(),
                    "lang", "fr", "rating", 2.0));
        }

        @Test
        void equalsMatchesStringsNumbersBooleansAndListElements() {
            assertThat(matching(new Equals("lang", "en"))).containsExactlyInAnyOrder("d1", "d3");
            assertThat(matching(new Equals("year", 2020))).containsExactly("d2");
            assertThat(matching(new Equals("year", 2020.0))).containsExactly("d2");
            assertThat(matching(new Equals("rating", 4.5))).containsExactly("d3");
            assertThat(matching(new Equals("draft", true))).containsExactly("d2");
            assertThat(matching(new Equals("tags", "y"))).containsExactlyInAnyOrder("d1", "d2");
            assertThat(matching(new Equals("lang", "it"))).isEmpty();
        }

        @Test
        void inMatchesAnyValueIncludingMixedTypes() {
            assertThat(matching(new In("lang", List.of("de", "fr")))).containsExactlyInAnyOrder("d2", "d4");
            assertThat(matching(new In("year", List.of(2019, 2022L)))).containsExactlyInAnyOrder("d1", "d4");
            assertThat(matching(new In("code", List.of(7, "x7")))).containsExactlyInAnyOrder("d1", "d2");
            assertThat(matching(new In("lang", List.of()))).isEmpty();
        }

        @Test
        void numericRangeHonoursInclusiveAndExclusiveBounds() {
            assertThat(matching(new Range("year", 2020, null, 2021, null))).containsExactlyInAnyOrder("d2", "d3");
            assertThat(matching(new Range("year", null, 2020, null, 2022))).containsExactly("d3");
            assertThat(matching(new Range("year", null, 2019.5, null, null))).containsExactlyInAnyOrder("d2", "d3", "d4");
            assertThat(matching(new Range("rating", null, 2.0, null, null))).containsExactly("d3");
            assertThat(matching(new Range("rating", 2.0, null, null, 4.5))).containsExactly("d4");
        }

        @Test
        void stringRangeComparesIsoDatesLexicographically() {
            assertThat(matching(new Range("published", "2020-01-01", null, null, "2022-01-01")))
                    .containsExactlyInAnyOrder("d2", "d3");
            assertThat(matching(new Range("published", null, "2020-06-15", "2022-12-31", null)))
                    .containsExactlyInAnyOrder("d3", "d4");
        }

        @Test
        void unboundedRangeMeansTheFieldHasAValue() {
            assertThat(matching(new Range("rating", null, null, null, null))).containsExactlyInAnyOrder("d3", "d4");
            assertThat(matching(new Range("lang", null, null, null, null))).hasSize(4);
        }

        @Test
        void filtersOnDocumentIdAndFilename() {
            assertThat(matching(new Equals("documentId", "d3"))).containsExactly("d3");
            assertThat(matching(new In("documentId", List.of("d1", "d4")))).containsExactlyInAnyOrder("d1", "d4");
            assertThat(matching(new Equals("filename", "two.pdf"))).containsExactly("d2");
        }

        @Test
        void combinesFiltersWithAnd() {
            assertThat(matching(new Equals("lang", "en"), new Range("year", 2020, null, null, null)))
                    .containsExactly("d3");
        }

        @Test
        void rejectsUnsupportedFilterValues() {
            assertThatThrownBy(() -> matching(new Equals("lang", List.of("en"))))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        private void report(String documentId, String filename, Map<String, Object> metadata) {
            store.replaceDocument(COLLECTION, documentId, List.of(new Chunk(documentId, 0, "quarterly report",
                    null, 0, 16, List.of(), filename, metadata)));
        }

        private List<String> matching(MetadataFilter... filters) {
            return documentIds(store.searchKeyword(new SearchRequest(COLLECTION, "report", null, 100, List.of(filters))));
        }
    }

    @Nested
    class Writes {

        @Test
        void replacingWithFewerChunksLeavesNoStaleOrdinals() {
            store.replaceDocument(COLLECTION, "other", chunks("other", 3, "unrelated"));
            store.replaceDocument(COLLECTION, "doc", chunks("doc", 5, "first version"));

            store.replaceDocument(COLLECTION, "doc", chunks("doc", 2, "second version"));

            List<ScoredChunk> hits = store.searchKeyword(new SearchRequest(COLLECTION, "version", null, 100,
                    List.of(new Equals("documentId", "doc"))));
            assertThat(hits).extracting(hit -> hit.chunk().id()).containsExactlyInAnyOrder("doc:0", "doc:1");
            assertThat(hits).allSatisfy(hit -> assertThat(hit.chunk().text()).startsWith("second"));
            assertThat(store.countChunks(COLLECTION)).isEqualTo(5);
        }

        @Test
        void reIngestingTheSameChunksDoesNotDuplicate() {
            store.replaceDocument(COLLECTION, "doc", chunks("doc", 3, "same"));
            store.replaceDocument(COLLECTION, "doc", chunks("doc", 3, "same"));

            assertThat(store.countChunks(COLLECTION)).isEqualTo(3);
        }

        @Test
        void deleteRemovesOnlyThatDocument() {
            store.replaceDocument(COLLECTION, "keep", chunks("keep", 2, "shared words"));
            store.replaceDocument(COLLECTION, "drop", chunks("drop", 3, "shared words"));

            store.deleteDocument(COLLECTION, "drop");

            assertThat(documentIds(store.searchKeyword(keyword("shared", 100)))).containsOnly("keep").hasSize(2);
            assertThat(store.countChunks(COLLECTION)).isEqualTo(2);
        }

        @Test
        void replacingWithNoChunksDeletes() {
            store.replaceDocument(COLLECTION, "doc", chunks("doc", 3, "words"));

            store.replaceDocument(COLLECTION, "doc", List.of());

            assertThat(store.countChunks(COLLECTION)).isZero();
        }

        @Test
        void deletingUnknownThingsIsANoOpThatCreatesNothing() {
            store.deleteDocument("ghost", "nothing");
            store.replaceDocument("ghost", "nothing", List.of());
            store.replaceDocument(COLLECTION, "doc", chunks("doc", 1, "words"));
            store.deleteDocument(COLLECTION, "nothing");

            assertThat(store.collections()).containsExactly(COLLECTION);
            assertThat(store.countChunks(COLLECTION)).isEqualTo(1);
        }

        @Test
        void rejectsChunksOfAnotherDocumentOrDuplicateOrdinals() {
            assertThatThrownBy(() -> store.replaceDocument(COLLECTION, "doc", chunks("other", 1, "x")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.replaceDocument(COLLECTION, "doc",
                    List.of(chunk("doc", 0, "a"), chunk("doc", 0, "b"))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Collections {

        @Test
        void unknownCollectionSearchesEmptyAndIsNotCreated() {
            assertThat(store.searchKeyword(new SearchRequest("nowhere", "text", null, 5, List.of()))).isEmpty();
            assertThat(store.searchVector(new SearchRequest("nowhere", null, unit(1, 0, 0, 0, 0, 0, 0, 0), 5,
                    List.of()))).isEmpty();
            assertThat(store.countChunks("nowhere")).isZero();
            assertThat(store.collections()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "Docs", "../etc", "a/b", "-lead", ".lead", "a..b", "with space",
                "x23456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"})
        void rejectsInvalidNames(String name) {
            assertThatThrownBy(() -> store.countChunks(name)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void takesTheFrontDoorsProjectDotModuleNames() {
            store.replaceDocument("demo.demo-docs-rag_config", "doc", chunks("doc", 1, "words"));
            assertThat(store.countChunks("demo.demo-docs-rag_config")).isEqualTo(1);
        }

        @Test
        void keepsCollectionsApart() {
            store.replaceDocument("one", "doc", chunks("doc", 2, "words"));
            store.replaceDocument("two_2", "doc", chunks("doc", 3, "words"));

            assertThat(store.countChunks("one")).isEqualTo(2);
            assertThat(store.countChunks("two_2")).isEqualTo(3);
            assertThat(store.collections()).containsExactly("one", "two_2");
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void chunksAndMetadataSurviveARestart() {
            Chunk original = new Chunk("doc", 0, "persistent text", unit(1, 2, 3, 4, 5, 6, 7, 8), 10, 25,
                    List.of("Guide", "Install"), "guide.pdf",
                    Map.of("tags", List.of("a", "b"), "year", 2024, "weight", 2.5, "public", true, "owner", "ops",
                            "ids", List.of(1, 2)));
            store.replaceDocument(COLLECTION, "doc", List.of(original));
            store.close();

            store = reopen(store);

            assertThat(store.collections()).containsExactly(COLLECTION);
            assertThat(store.countChunks(COLLECTION)).isEqualTo(1);
            Chunk reloaded = store.searchKeyword(keyword("persistent", 1)).get(0).chunk();
            assertThat(reloaded).usingRecursiveComparison().ignoringFields("vector").isEqualTo(original);
            assertThat(reloaded.metadata().get("tags")).isEqualTo(List.of("a", "b"));
            assertThat(documentIds(store.searchKeyword(new SearchRequest(COLLECTION, "text", null, 5,
                    List.of(new Equals("tags", "b"), new Equals("ids", 2)))))).containsExactly("doc");
        }

        @Test
        void isHealthyUntilClosedAndClosesIdempotently() {
            store.replaceDocument(COLLECTION, "doc", chunks("doc", 1, "words"));
            assertThat(store.healthy()).isTrue();

            store.close();
            store.close();

            assertThat(store.healthy()).isFalse();
            assertThatThrownBy(() -> store.countChunks(COLLECTION)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class FindingChunksById {

        @Test
        void returnsTheNamedChunksThatPassTheFiltersAndNothingForUnknownIds() {
            store.replaceDocument(COLLECTION, "open", List.of(chunk("open", 0, "Open chunk zero"), chunk("open", 1, "Open chunk one")));
            store.replaceDocument(COLLECTION, "closed", List.of(new Chunk("closed", 0, "Closed chunk", null, 0, 12, List.of(), "closed.txt",
                    Map.of(MetadataFilter.Access.ALLOWED_USERS, List.of("alice")))));
            store.replaceDocument("other", "open", List.of(chunk("open", 0, "Another collection's chunk")));

            List<Chunk> forBob = store.findChunks(COLLECTION, List.of("open:1", "closed:0", "missing:0"),
                    List.of(new MetadataFilter.Access("bob", List.of(), true)));
            assertThat(forBob).extracting(Chunk::id).containsExactly("open:1");
            assertThat(forBob.get(0).text()).isEqualTo("Open chunk one");
            assertThat(store.findChunks(COLLECTION, List.of("open:0", "closed:0"), List.of()))
                    .extracting(Chunk::id).containsExactlyInAnyOrder("open:0", "closed:0");
            assertThat(store.findChunks(COLLECTION, List.of("open:0"), List.of())).extracting(Chunk::text).containsExactly("Open chunk zero");
            assertThat(store.findChunks(COLLECTION, List.of(), List.of())).isEmpty();
            assertThat(store.findChunks("nowhere", List.of("open:0"), List.of())).isEmpty();
        }
    }

    public static Chunk chunk(String documentId, int ordinal, String text) {
        return new Chunk(documentId, ordinal, text, null, 0, text.length(), List.of(), documentId + ".txt", Map.of());
    }

    public static List<Chunk> chunks(String documentId, int count, String text) {
        return IntStream.range(0, count).mapToObj(i -> chunk(documentId, i, text + " " + i)).toList();
    }

    private static Chunk vectorChunk(String documentId, int ordinal, float[] vector, Map<String, Object> metadata) {
        return new Chunk(documentId, ordinal, "chunk " + ordinal, vector, 0, 0, List.of(), null, metadata);
    }

    public static float[] unit(float... values) {
        double norm = 0;
        for (float value : values) {
            norm += value * value;
        }
        float[] unit = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            unit[i] = (float) (values[i] / Math.sqrt(norm));
        }
        return unit;
    }

    private static SearchRequest keyword(String text, int k) {
        return new SearchRequest(COLLECTION, text, null, k, List.of());
    }

    private static SearchRequest vector(float[] vector, int k, List<MetadataFilter> filters) {
        return new SearchRequest(COLLECTION, null, vector, k, filters);
    }

    public static List<String> documentIds(List<ScoredChunk> hits) {
        return hits.stream().map(hit -> hit.chunk().documentId()).toList();
    }
}
