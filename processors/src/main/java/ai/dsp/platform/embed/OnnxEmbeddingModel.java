package ai.dsp.platform.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * One of LangChain4j's in-process models ({@link InProcessModel}), from its Maven jar, on an ONNX
 * Runtime session we configure: a bounded intra-op thread count and no spin-waiting. ONNX
 * Runtime's defaults spin idle threads, which takes the CPU that extraction, Lucene and the HTTP
 * threads need beside it (measured here: about a third more embedding throughput under load
 * without spinning).
 */
public final class OnnxEmbeddingModel extends AbstractInProcessEmbeddingModel {

    private final InProcessModel which;
    private final OnnxBertBiEncoder encoder;

    /**
     * @param executor       runs the texts of one {@code embedAll} call in parallel
     * @param intraOpThreads ONNX Runtime threads inside one text's inference
     */
    public OnnxEmbeddingModel(InProcessModel which, Executor executor, int intraOpThreads) {
        super(executor);
        this.which = which;
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (InputStream model = which.modelFile(); InputStream tokenizer = which.tokenizerFile();
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.encoder = new OnnxBertBiEncoder(environment, environment.createSession(model.readAllBytes(), options),
                    tokenizer, which.pooling());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedding model " + which.id() + " from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot start an ONNX Runtime session for the embedding model " + which.id(), e);
        }
    }

    public InProcessModel which() {
        return which;
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }
}
