package ai.dsp.platform.embed;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The embedding models that run in process, each from its LangChain4j Maven jar. {@link #id} is
 * the model's name where vectors are stored, so vectors of two models never mix; manifests may
 * name a model as the seed does ({@code all-MiniLM-L6-v2}, {@code sentence-transformers/...},
 * {@code BAAI/bge-small-en-v1.5}).
 */
public enum InProcessModel {

    /** The default: 6 layers, mean pooling, no query instruction. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", AllMiniLmL6V2QuantizedEmbeddingModel.class, "/all-minilm-l6-v2-q.onnx",
            "/all-minilm-l6-v2-q-tokenizer.json", PoolingMode.MEAN, "",
            Set.of("all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2")),

    /**
     * 12 layers (about twice the default's work per text), CLS pooling; queries carry the
     * instruction its authors give for retrieval with short queries.
     */
    BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", BgeSmallEnV15QuantizedEmbeddingModel.class, "/bge-small-en-v1.5-q.onnx",
            "/bge-small-en-v1.5-q-tokenizer.json", PoolingMode.CLS, "Represent this sentence for searching relevant passages: ",
            Set.of("bge-small-en-v1.5", "bge-small-en-v1.5-q", "bge-small-en-v15", "baai/bge-small-en-v1.5", "bge-small"));

    private final String id;
    private final Class<?> jar;
    private final String model;
    private final String tokenizer;
    private final PoolingMode pooling;
    private final String queryInstruction;
    private final Set<String> aliases;

    InProcessModel(String id, Class<?> jar, String model, String tokenizer, PoolingMode pooling, String queryInstruction,
                   Set<String> aliases) {
        this.id = id;
        this.jar = jar;
        this.model = model;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.queryInstruction = queryInstruction;
        this.aliases = aliases;
    }

    public String id() {
        return id;
    }

    PoolingMode pooling() {
        return pooling;
    }

    /** What goes before a query (never before a passage) when it is embedded. */
    String queryInstruction() {
        return queryInstruction;
    }

    InputStream modelFile() {
        return resource(model);
    }

    InputStream tokenizerFile() {
        return resource(tokenizer);
    }

    /** The model a name means, ignoring case: its id or one of the names the seed's manifests use. */
    public static Optional<InProcessModel> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.id.equals(wanted) || m.aliases.contains(wanted)).findFirst();
    }

    /** The model a configured name means; an unknown name is a configuration error. */
    public static InProcessModel require(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException("no in-process embedding model is called '" + name
                + "'; known: " + Arrays.stream(values()).map(InProcessModel::id).toList()));
    }

    private InputStream resource(String name) {
        InputStream stream = jar.getResourceAsStream(name);
        if (stream == null) {
            throw new IllegalStateException("Embedding model resource " + name + " is missing from the classpath");
        }
        return stream;
    }
}
