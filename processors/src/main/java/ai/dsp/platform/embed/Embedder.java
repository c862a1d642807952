package ai.dsp.platform.embed;

import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Use;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.EmbeddingSpaces;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns passages and queries into vectors, in bounded batches, with each collection's model: the
 * one its module or configuration names, else the platform default. A model is loaded on first
 * use and then shared. Texts that belong to no collection (the embeddings API, the knowledge
 * graph's entities, ensemble votes) use the default model.
 */
public final class Embedder implements EmbeddingSpaces {

    private final Function<InProcessModel, EmbeddingModel> loader;
    private final InProcessModel defaultModel;
    private final CollectionModels collections;
    private final int batchSize;
    private final PlatformMetrics metrics;
    private final Map<InProcessModel, EmbeddingModel> loaded = new ConcurrentHashMap<>();
    private final Map<InProcessModel, EmbeddingSpace> spaces = new ConcurrentHashMap<>();

    /** @param loader opens a model's session; called once per model */
    public Embedder(Function<InProcessModel, EmbeddingModel> loader, InProcessModel defaultModel, CollectionModels collections,
                    int batchSize, PlatformMetrics metrics) {
        this.loader = loader;
        this.defaultModel = defaultModel;
        this.collections = collections;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    /** The default model's dimensions. */
    public int dimensions() {
        return space(defaultModel).dimensions();
    }

    /** The model (and dimensions) the collection's vectors are made with. */
    @Override
    public EmbeddingSpace of(String collection) {
        return space(modelOf(collection));
    }

    /** Indexes that record no model were all written by the first default, all-MiniLM-L6-v2. */
    @Override
    public EmbeddingSpace unrecorded() {
        return space(InProcessModel.ALL_MINILM_L6_V2_Q);
    }

    @Override
    public List<float[]> embed(EmbeddingSpace space, List<String> texts) {
        return passages(inProcess(space), texts);
    }

    /** The query's vector in {@code space} (the space the search reads, {@code ChunkStore.vectorSpace}). */
    public float[] embedQuery(EmbeddingSpace space, String text) {
        InProcessModel model = inProcess(space);
        long started = System.nanoTime();
        float[] vector = model(model).embed(model.queryInstruction() + text).content().vector();
        metrics.embedded(Use.QUERY, 1, System.nanoTime() - started);
        return vector;
    }

    /** The collection's passage vectors of {@code texts}, in order. */
    public List<float[]> embedAll(String collection, List<String> texts) {
        return passages(modelOf(collection), texts);
    }

    /** Passage vectors with the default model. */
    public List<float[]> embedAll(List<String> texts) {
        return passages(defaultModel, texts);
    }

    private List<float[]> passages(InProcessModel which, List<String> texts) {
        EmbeddingModel model = model(which);
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize))
                    .stream().map(TextSegment::from).toList();
            long started = System.nanoTime();
            List<Embedding> embeddings = model.embedAll(batch).content();
            metrics.embedded(Use.PASSAGE, batch.size(), System.nanoTime() - started);
            for (Embedding embedding : embeddings) {
                vectors.add(embedding.vector());
            }
        }
        return vectors;
    }

    private InProcessModel inProcess(EmbeddingSpace space) {
        InProcessModel model = InProcessModel.require(space.model());
        if (space(model).dimensions() != space.dimensions()) {
            throw new IllegalArgumentException(space.slug() + " is not what " + model.id() + " makes");
        }
        return model;
    }

    private InProcessModel modelOf(String collection) {
        return collections.modelOf(collection).orElse(defaultModel);
    }

    private EmbeddingModel model(InProcessModel which) {
        return loaded.computeIfAbsent(which, loader);
    }

    private EmbeddingSpace space(InProcessModel which) {
        return spaces.computeIfAbsent(which, model -> new EmbeddingSpace(model.id(), model(model).dimension()));
    }
}
