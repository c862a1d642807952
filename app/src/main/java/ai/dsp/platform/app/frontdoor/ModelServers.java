package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * A {@code model_server} module: the seed's model server at {@code service_url}, with its
 * endpoints ({@code embeddings_endpoint}, {@code rerank_endpoint}, {@code classify_endpoint};
 * default {@code /embeddings}, {@code /rerank}, {@code /classify}) and bodies: reranking is
 * {@code {query, texts, model_name} -> {scores}}, classification {@code {texts, model_name}} with
 * the server's answer passed on. The module's default model fills a missing {@code model_name};
 * the call goes as {@link RemoteServices} makes it (the module's key or a token for the caller,
 * retries, {@code request_timeout} 30 s by default).
 */
@Component("modelServers")
public class ModelServers {

    private final FrontDoor frontDoor;
    private final RemoteServices remote;

    public ModelServers(FrontDoor frontDoor, RemoteServices remote) {
        this.frontDoor = frontDoor;
        this.remote = remote;
    }

    /** {@code POST /{project}/{module}/rerank {query, texts, model_name?}} -> {@code {scores, model}}, one score per text. */
    public Map<String, Object> rerank(ProjectModule module, Map<String, Object> body, Exchange exchange) {
        Object query = body == null ? null : body.get("query");
        if (!(query instanceof String text) || text.isBlank()) {
            throw new BadRequestException("query is required");
        }
        String model = model(module, body, "default_reranker_model");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("scores", scores(module, text, Embeddings.texts(body.get("texts"), "texts"), model, exchange));
        answer.put("model", model);
        return answer;
    }

    /**
     * The module's scores of {@code texts} against {@code query} ({@code model} null: the server's
     * default), one per text. {@code exchange}: the call it serves, for a token made for its caller;
     * null for the platform's own calls (a retrieval's reranking).
     */
    public List<Double> scores(ProjectModule module, String query, List<String> texts, String model, Exchange exchange) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("query", query);
        request.put("texts", texts);
        if (model != null) {
            request.put("model_name", model);
        }
        JsonNode scores = post(module, "rerank_endpoint", "/rerank", request, exchange).path("scores");
        if (!scores.isArray() || scores.size() != texts.size()) {
            throw new UpstreamException("the model server of module " + module.name() + " answered "
                    + (scores.isArray() ? scores.size() + " scores" : "no scores") + " for " + texts.size() + " texts");
        }
        return StreamSupport.stream(scores.spliterator(), false).map(JsonNode::asDouble).toList();
    }

    /** {@code POST /{project}/{module}/classify {texts, model_name?}}: the model server's answer as it is. */
    public JsonNode classify(ProjectModule module, Map<String, Object> body, Exchange exchange) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("texts", Embeddings.texts(body == null ? null : body.get("texts"), "texts"));
        String model = model(module, body, "default_classifier_model");
        if (model != null) {
            request.put("model_name", model);
        }
        return post(module, "classify_endpoint", "/classify", request, exchange);
    }

    /** The embeddings of {@code texts} by the module's {@code embeddings_endpoint}, one vector per text. */
    List<float[]> embed(ProjectModule module, List<String> texts, Exchange exchange) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("texts", texts);
        String model = module.config().path("default_embedding_model").asText(null);
        if (model != null) {
            request.put("model_name", model);
        }
        JsonNode vectors = post(module, "embeddings_endpoint", "/embeddings", request, exchange).path("embeddings");
        if (!vectors.isArray() || vectors.size() != texts.size()) {
            throw new UpstreamException("the model server of module " + module.name() + " answered "
                    + (vectors.isArray() ? vectors.size() + " embeddings" : "no embeddings") + " for " + texts.size() + " texts");
        }
        return StreamSupport.stream(vectors.spliterator(), false).map(ModelServers::floats).toList();
    }

    private JsonNode post(ProjectModule module, String endpointKey, String endpointDefault, Map<String, Object> body, Exchange exchange) {
        return remote.post(new RemoteServices.Target(module, frontDoor.resolvedConfig(module), "model server", endpointKey, endpointDefault, 30),
                body, exchange);
    }

    private static String model(ProjectModule module, Map<String, Object> body, String defaultKey) {
        Object asked = body == null ? null : body.get("model_name");
        return asked instanceof String name && !name.isBlank() ? name : module.config().path(defaultKey).asText(null);
    }

    private static float[] floats(JsonNode vector) {
        float[] values = new float[vector.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) vector.get(i).asDouble();
        }
        return values;
    }
}
