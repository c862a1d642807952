package ai.dsp.platform.store;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

/** Vectors, chunks and embedding spaces for store tests that need no model: a text's vector depends on the text and the model's name only. */
public final class TestVectors {

    private TestVectors() {
    }

    /** Every collection in {@code space}, its texts embedded by {@code embedder}: a store that never changes model. */
    public static EmbeddingSpaces oneSpace(EmbeddingSpace space, Function<List<String>, List<float[]>> embedder) {
        return new EmbeddingSpaces() {
            @Override
            public EmbeddingSpace of(String collection) {
                return space;
            }

            @Override
            public EmbeddingSpace unrecorded() {
                return space;
            }

            @Override
            public List<float[]> embed(EmbeddingSpace wanted, List<String> texts) {
                if (!wanted.equals(space)) {
                    throw new IllegalArgumentException("only " + space.slug() + " vectors are made here, not " + wanted.slug());
                }
                return embedder.apply(texts);
            }
        };
    }

    /** A unit vector of the space's length, the same for the same text and model, so a text finds its own chunk nearest. */
    public static float[] vector(String text, EmbeddingSpace space) {
        Random random = new Random((text + space.model()).hashCode());
        float[] vector = new float[space.dimensions()];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (vector[i] / Math.sqrt(norm));
        }
        return vector;
    }

    /** {@code count} chunks of the document, texts {@code "<text> <ordinal>"}, with their vectors in {@code space}. */
    public static List<Chunk> chunks(String documentId, int count, String text, EmbeddingSpace space) {
        return IntStream.range(0, count).mapToObj(i -> {
            String chunkText = text + " " + i;
            return new Chunk(documentId, i, chunkText, vector(chunkText, space), 0, chunkText.length(), List.of(),
                    documentId + ".txt", Map.of());
        }).toList();
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Waits for a test's go-ahead inside a model call; a test that never gives it fails rather than hangs. */
    public static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the rebuild go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
