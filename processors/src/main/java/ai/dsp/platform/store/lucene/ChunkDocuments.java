package ai.dsp.platform.store.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.dsp.platform.store.Chunk;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;

/** Maps a {@link Chunk} to the Lucene document that indexes it, and back. */
final class ChunkDocuments {

    static final String ID = "id";
    static final String DOCUMENT_ID = "documentId";
    static final String FILENAME = "filename";
    static final String TEXT = "text";
    static final String VECTOR = "vector";
    /** Keyword (exact) values of string and boolean metadata: {@code meta.<key>}. */
    static final String KEYWORD_PREFIX = "meta.";
    /** Numeric metadata as double points for exact and range filters: {@code metanum.<key>}. */
    static final String NUMERIC_PREFIX = "metanum.";

    private static final String ORDINAL = "ordinal";
    private static final String START_OFFSET = "startOffset";
    private static final String END_OFFSET = "endOffset";
    private static final String HEADING = "heading";
    private static final String METADATA_JSON = "metadataJson";
    private static final TypeReference<Map<String, Object>> METADATA_TYPE = new TypeReference<>() {
    };

    private static final Set<String> KEY_FIELDS = Set.of(DOCUMENT_ID, ORDINAL);

    private final ObjectMapper json = JsonMapper.builder().build();

    Document toDocument(Chunk chunk) {
        Document doc = new Document();
        doc.add(new StringField(ID, chunk.id(), Field.Store.YES));
        doc.add(new StringField(DOCUMENT_ID, chunk.documentId(), Field.Store.YES));
        doc.add(new StoredField(ORDINAL, chunk.ordinal()));
        doc.add(new TextField(TEXT, nullToEmpty(chunk.text()), Field.Store.YES));
        if (chunk.vector() != null) {
            doc.add(new KnnFloatVectorField(VECTOR, chunk.vector(), VectorSimilarityFunction.COSINE));
        }
        doc.add(new StoredField(START_OFFSET, chunk.startOffset()));
        doc.add(new StoredField(END_OFFSET, chunk.endOffset()));
        chunk.headingPath().forEach(heading -> doc.add(new StoredField(HEADING, heading)));
        if (chunk.filename() != null) {
            doc.add(new StringField(FILENAME, chunk.filename(), Field.Store.YES));
        }
        chunk.metadata().forEach((key, value) -> addMetadata(doc, key, value));
        doc.add(new StoredField(METADATA_JSON, toJson(chunk.metadata())));
        return doc;
    }

    /**
     * Reads the chunk stored at global doc id {@code doc} without its vector: search results
     * never need it, and reading it from the graph's vector values costs more than the rest.
     */
    Chunk read(StoredFields storedFields, int doc) throws IOException {
        Document stored = storedFields.document(doc);
        return new Chunk(
                stored.get(DOCUMENT_ID),
                stored.getField(ORDINAL).numericValue().intValue(),
                stored.get(TEXT),
                null,
                stored.getField(START_OFFSET).numericValue().intValue(),
                stored.getField(END_OFFSET).numericValue().intValue(),
                Arrays.asList(stored.getValues(HEADING)),
                stored.get(FILENAME),
                fromJson(stored.get(METADATA_JSON)));
    }

    /** Only the chunk's key (document id and ordinal): what fusion reads of a candidate. */
    Chunk readKey(StoredFields storedFields, int doc) throws IOException {
        Document stored = storedFields.document(doc, KEY_FIELDS);
        return new Chunk(stored.get(DOCUMENT_ID), stored.getField(ORDINAL).numericValue().intValue(), null, null, 0, 0, List.of(), null,
                Map.of());
    }

    private static void addMetadata(Document doc, String key, Object value) {
        if (value instanceof List<?> values) {
            values.forEach(element -> addMetadataValue(doc, key, element));
        } else {
            addMetadataValue(doc, key, value);
        }
    }

    // Other shapes (nested maps) still round-trip through the stored JSON; they are just not filterable.
    private static void addMetadataValue(Document doc, String key, Object value) {
        if (value instanceof Number number) {
            doc.add(new DoublePoint(NUMERIC_PREFIX + key, number.doubleValue()));
        } else if (value instanceof String || value instanceof Boolean) {
            doc.add(new StringField(KEYWORD_PREFIX + key, value.toString(), Field.Store.NO));
        }
    }

    private String toJson(Map<String, Object> metadata) {
        try {
            return json.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Chunk metadata is not serialisable as JSON", e);
        }
    }

    private Map<String, Object> fromJson(String metadata) {
        try {
            return json.readValue(metadata, METADATA_TYPE);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Corrupt chunk metadata in index", e);
        }
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
