package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.retrieve.RetrieveRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;


/**
 * A {@code rag_service} module: the seed's remote RAG service at {@code service_url}, asked with
 * its own API ({@code query_endpoint}, {@code retrieve_endpoint}, default {@code /query} and
 * {@code /retrieve}) and the module's {@code configuration_name} and {@code default_k}; its
 * answer passed on as it is ({@link RemoteServices}: retries, timeout, the caller's token).
 */
@Component("ragServices")
public class RagServices {

    private final FrontDoor frontDoor;
    private final RemoteServices remote;
    private final ObjectMapper json;

    public RagServices(FrontDoor frontDoor, RemoteServices remote, ObjectMapper json) {
        this.frontDoor = frontDoor;
        this.remote = remote;
        this.json = json;
    }

    public JsonNode query(ProjectModule module, RetrieveRequest request, Exchange exchange) {
        return call(module, request, exchange, "query_endpoint", "/query");
    }

    public JsonNode retrieve(ProjectModule module, RetrieveRequest request, Exchange exchange) {
        return call(module, request, exchange, "retrieve_endpoint", "/retrieve");
    }

    private JsonNode call(ProjectModule module, RetrieveRequest request, Exchange exchange, String endpointKey, String endpointDefault) {
        if (request == null || request.query() == null || request.query().isBlank()) {
            throw new BadRequestException("query is required");
        }
        JsonNode config = frontDoor.resolvedConfig(module);
        ObjectNode body = json.createObjectNode();
        body.put("query", request.query());
        body.put("configuration_name", config.path("configuration_name").asText("default"));
        body.put("k", request.k() != null ? request.k() : config.path("default_k").asInt(5));
        if (request.minScore() != null) {
            body.put("similarity_threshold", request.minScore());
        } else if (config.has("default_similarity_threshold")) {
            body.set("similarity_threshold", config.get("default_similarity_threshold"));
        }
        if (request.filter() != null) {
            body.set("filter", json.valueToTree(request.filter()));
        }
        return remote.post(new RemoteServices.Target(module, config, "RAG service", endpointKey, endpointDefault, 60), body, exchange);
    }
}
