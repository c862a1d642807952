package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.EnglishTerms;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link Chunk} to the JSON document Elasticsearch indexes, and a search hit back.
 * Metadata is kept twice: as given under {@code metadata} (stored, not indexed) so it round-trips
 * unchanged, and split by type under {@code meta.<key>} (keyword) and {@code metanum.<key>}
 * (double) for filters, exactly like the embedded store's fields.
 */
final class ChunkSources {

    static final String ID = "id";
    static final String DOCUMENT_ID = "documentId";
    static final String ORDINAL = "ordinal";
    static final String TEXT = "text";
    /** The text's English terms (see {@link EnglishTerms}), the field BM25 searches. */
    static final String TERMS = "terms";
    static final String VECTOR = "vector";
    static final String FILENAME = "filename";
    static final String KEYWORD_PREFIX = "meta.";
    static final String NUMERIC_PREFIX = "metanum.";
    /** What a search never needs back: the vector and the filter copies of the metadata. */
    static final List<String> NOT_RETURNED = List.of(VECTOR, TERMS, "meta", "metanum");

    private static final String START_OFFSET = "startOffset";
    private static final String END_OFFSET = "endOffset";
    private static final String HEADING = "heading";
    private static final String METADATA = "metadata";

    private final ObjectMapper json = JsonMapper.builder().build();
    private final EnglishTerms english;

    ChunkSources(EnglishTerms english) {
        this.english = english;
    }

    Map<String, Object> toSource(Chunk chunk) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put(ID, chunk.id());
        source.put(DOCUMENT_ID, chunk.documentId());
        source.put(ORDINAL, chunk.ordinal());
        source.put(TEXT, chunk.text() == null ? "" : chunk.text());
        source.put(TERMS, english.of(chunk.text()));
        if (chunk.vector() != null) {
            source.put(VECTOR, chunk.vector());
        }
        source.put(START_OFFSET, chunk.startOffset());
        source.put(END_OFFSET, chunk.endOffset());
        source.put(HEADING, chunk.headingPath());
        if (chunk.filename() != null) {
            source.put(FILENAME, chunk.filename());
        }
        source.put(METADATA, chunk.metadata());
        Map<String, Object> keywords = new LinkedHashMap<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        chunk.metadata().forEach((key, value) -> split(key, value, keywords, numbers));
        source.put("meta", keywords);
        source.put("metanum", numbers);
        return source;
    }

    /** A chunk read from a hit's source, without its vector. */
    Chunk fromSource(JsonNode source) {
        List<String> headings = new ArrayList<>();
        source.path(HEADING).forEach(heading -> headings.add(heading.asText()));
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = source.hasNonNull(METADATA) ? json.convertValue(source.get(METADATA), Map.class) : Map.of();
        return new Chunk(
                source.path(DOCUMENT_ID).asText(),
                source.path(ORDINAL).asInt(),
                source.path(TEXT).asText(),
                null,
                source.path(START_OFFSET).asInt(),
                source.path(END_OFFSET).asInt(),
                headings,
                source.hasNonNull(FILENAME) ? source.get(FILENAME).asText() : null,
                metadata);
    }

    // Other shapes (nested maps) still round-trip under "metadata"; they are just not filterable.
    private static void split(String key, Object value, Map<String, Object> keywords, Map<String, Object> numbers) {
        if (value == null) {
            return;
        }
        List<?> values = value instanceof List<?> list ? list : List.of(value);
        List<String> strings = new ArrayList<>();
        List<Double> doubles = new ArrayList<>();
        for (Object element : values) {
            if (element instanceof Number number) {
                doubles.add(number.doubleValue());
            } else if (element instanceof String || element instanceof Boolean) {
                strings.add(element.toString());
            }
        }
        if (!strings.isEmpty()) {
            keywords.put(key, strings);
        }
        if (!doubles.isEmpty()) {
            numbers.put(key, doubles);
        }
    }
}
