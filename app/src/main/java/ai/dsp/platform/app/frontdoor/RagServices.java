package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.retrieve.RetrieveRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A {@code rag_service} module: the seed's remote RAG service at {@code service_url}, asked with
 * its own API ({@code query_endpoint}, {@code retrieve_endpoint}, default {@code /query} and
 * {@code /retrieve}) and the module's {@code configuration_name} and {@code default_k}; its
 * answer passed on as it is. Connection errors and 5xx are repeated up to {@code max_retries}
 * (default 2); what still fails is a 502 naming the status, never the remote's body.
 */
@Component("ragServices")
public class RagServices {

    private final FrontDoor frontDoor;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public RagServices(FrontDoor frontDoor, ObjectMapper json) {
        this.frontDoor = frontDoor;
        this.json = json;
    }

    public JsonNode query(ProjectModule module, RetrieveRequest request) {
        return call(module, request, "query_endpoint", "/query");
    }

    public JsonNode retrieve(ProjectModule module, RetrieveRequest request) {
        return call(module, request, "retrieve_endpoint", "/retrieve");
    }

    private JsonNode call(ProjectModule module, RetrieveRequest request, String endpointKey, String endpointDefault) {
        if (request == null || request.query() == null || request.query().isBlank()) {
            throw new BadRequestException("query is required");
        }
        JsonNode config = frontDoor.resolvedConfig(module);
        String base = config.path("service_url").asText("").replaceAll("/+$", "");
        if (base.isEmpty()) {
            throw new IllegalStateException("rag_service module " + module.name() + " has no service_url");
        }
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
        URI uri = URI.create(base + config.path(endpointKey).asText(endpointDefault));
        Duration timeout = Duration.ofSeconds(config.path("request_timeout").asInt(60));
        int attempts = 1 + Math.max(0, config.path("max_retries").asInt(2));
        String failure = "no answer";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    return json.readTree(response.body());
                }
                failure = "status " + response.statusCode();
                if (response.statusCode() < 500) {
                    break;
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException("interrupted while calling the RAG service of module " + module.name());
            }
        }
        throw new UpstreamException("the RAG service of module " + module.name() + " answered " + failure);
    }
}
