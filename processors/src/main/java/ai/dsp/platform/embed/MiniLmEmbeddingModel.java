package ai.dsp.platform.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * LangChain4j's quantized all-MiniLM-L6-v2, from its Maven jar, on an ONNX Runtime session we
 * configure: a bounded intra-op thread count and no spin-waiting. ONNX Runtime's defaults spin
 * idle threads, which takes the CPU that extraction, Lucene and the HTTP threads need beside it
 * (measured here: about a third more embedding throughput under load without spinning).
 */
public final class MiniLmEmbeddingModel extends AbstractInProcessEmbeddingModel {

    /** The model's name where vectors are stored, so vectors of another model are never mixed in. */
    public static final String NAME = "all-minilm-l6-v2-q";
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OnnxBertBiEncoder encoder;

    /**
     * @param executor       runs the texts of one {@code embedAll} call in parallel
     * @param intraOpThreads ONNX Runtime threads inside one text's inference
     */
    public MiniLmEmbeddingModel(Executor executor, int intraOpThreads) {
        super(executor);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (InputStream model = resource(MODEL); InputStream tokenizer = resource(TOKENIZER);
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.encoder = new OnnxBertBiEncoder(environment, environment.createSession(model.readAllBytes(), options),
                    tokenizer, PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedding model from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot start an ONNX Runtime session for the embedding model", e);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    private static InputStream resource(String name) {
        InputStream stream = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (stream == null) {
            throw new IllegalStateException("Embedding model resource " + name + " is missing from the classpath");
        }
        return stream;
    }
}
