package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.embed.Embedder;
import dev.langchain4j.model.TokenCountEstimator;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeddings through a module: {@code {texts}} -> {@code {embeddings}} (the seed's call, also at
 * {@code /api/embeddings}) and OpenAI's {@code {input}} -> {@code {object: list, data[{embedding,
 * index}], model, usage}} (the embeddings as floats, or as base64 with {@code encoding_format:
 * base64}, the official clients' default). A {@code rag_config} module embeds with the platform's in-process
 * model (the one its collection was indexed with); a {@code model_server} module's
 * {@code service_url} + {@code embeddings_endpoint} is called with the seed's body ({@link ModelServers}).
 */
@Component("frontDoorEmbeddings")
public class Embeddings {

    /** Texts per call: one request must not hold the model for long. */
    static final int MAX_TEXTS = 256;

    private final Embedder embedder;
    private final TokenCountEstimator tokens;
    private final ModelServers modelServers;

    public Embeddings(Embedder embedder, TokenCountEstimator tokens, ModelServers modelServers) {
        this.embedder = embedder;
        this.tokens = tokens;
        this.modelServers = modelServers;
    }

    /** The seed's {@code {texts}} -> {@code {embeddings}}. */
    public Map<String, Object> seed(ProjectModule module, Map<String, Object> body, Exchange exchange) {
        List<float[]> vectors = embed(module, texts(body == null ? null : body.get("texts"), "texts"), exchange);
        return Map.of("embeddings", vectors, "model", model(module), "dimensions", vectors.isEmpty() ? 0 : vectors.get(0).length);
    }

    /** OpenAI's {@code POST /v1/embeddings} through the module. */
    public Map<String, Object> openAi(ProjectModule module, Map<String, Object> body, Exchange exchange) {
        Object input = body == null ? null : body.get("input");
        List<String> texts = input instanceof String one ? List.of(one) : texts(input, "input");
        List<float[]> vectors = embed(module, texts, exchange);
        // the official clients ask for base64 unless told otherwise, and decode it themselves
        boolean base64 = "base64".equals(body.get("encoding_format"));
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(Map.of("object", "embedding", "embedding", base64 ? base64(vectors.get(i)) : vectors.get(i), "index", i));
        }
        int counted = texts.stream().mapToInt(tokens::estimateTokenCountInText).sum();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("object", "list");
        answer.put("data", data);
        answer.put("model", module.project() + "/" + module.name());
        answer.put("usage", Map.of("prompt_tokens", counted, "total_tokens", counted));
        return answer;
    }

    /** OpenAI's base64 form: the little-endian 32-bit floats. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private List<float[]> embed(ProjectModule module, List<String> texts, Exchange exchange) {
        if ("model_server".equals(module.type())) {
            return modelServers.embed(module, texts, exchange);
        }
        return embedder.embedAll(collection(module), texts);
    }

    /** A model server's default model, or the in-process model of the RAG module's collection: the vectors it stores. */
    private String model(ProjectModule module) {
        return "model_server".equals(module.type()) ? module.config().path("default_embedding_model").asText("")
                : embedder.of(collection(module)).model();
    }

    private static String collection(ProjectModule module) {
        return RagModules.collectionName(module.project(), module.name(), module.config());
    }

    static List<String> texts(Object value, String field) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new BadRequestException(field + " is a non-empty list of strings");
        }
        if (list.size() > MAX_TEXTS) {
            throw new BadRequestException("at most " + MAX_TEXTS + " texts per call, not " + list.size());
        }
        List<String> texts = new ArrayList<>();
        for (Object text : list) {
            if (!(text instanceof String string) || string.isBlank()) {
                throw new BadRequestException(field + " holds only non-empty strings");
            }
            texts.add(string);
        }
        return texts;
    }
}
