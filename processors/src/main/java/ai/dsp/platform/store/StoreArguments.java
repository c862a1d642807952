package ai.dsp.platform.store;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** The argument checks every {@link ChunkStore} makes the same way, so both reject the same input. */
public final class StoreArguments {

    /**
     * Lower-case letters, digits, {@code _}, {@code -} and single dots ({@code {project}.{module}}
     * of the Front Door's RAG modules): a folder name for Lucene, an index name for Elasticsearch.
     */
    public static final Pattern COLLECTION_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9_-]|\\.(?!\\.)){0,127}");

    private StoreArguments() {
    }

    /** Every chunk belongs to the document, ordinals are unique and vectors have the store's length. */
    public static void requireValidChunks(String documentId, List<Chunk> chunks, int dimensions) {
        Objects.requireNonNull(documentId, "documentId");
        Set<Integer> ordinals = new HashSet<>();
        for (Chunk chunk : chunks) {
            if (!documentId.equals(chunk.documentId())) {
                throw new IllegalArgumentException("Chunk " + chunk.id() + " does not belong to document " + documentId);
            }
            if (!ordinals.add(chunk.ordinal())) {
                throw new IllegalArgumentException("Duplicate chunk " + chunk.id());
            }
            if (chunk.vector() != null) {
                requireDimensions(chunk.vector(), dimensions, "vector of chunk " + chunk.id());
            }
        }
    }

    public static void requireDimensions(float[] vector, int dimensions, String what) {
        if (vector.length != dimensions) {
            throw new IllegalArgumentException(what + " has " + vector.length + " dimensions, expected " + dimensions);
        }
    }

    public static void requirePositiveK(SearchRequest request) {
        if (request.k() <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + request.k());
        }
    }

    public static boolean isValidCollection(String collection) {
        return collection != null && COLLECTION_NAME.matcher(collection).matches();
    }

    public static void requireValidCollection(String collection) {
        if (!isValidCollection(collection)) {
            throw new IllegalArgumentException("Invalid collection name: " + collection);
        }
    }
}
