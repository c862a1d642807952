package ai.dsp.platform.app.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A JSON call to a module's remote service (the seed's RAG service, its model server) as the
 * seed's module configs describe it: {@code service_url} + an endpoint, {@code request_timeout}
 * per attempt, connection errors and 5xx repeated up to {@code max_retries}, the module's key or a
 * token for the caller ({@link RemoteServiceAuth}). What still fails is a 502 naming the status,
 * never the service's body.
 */
@Component
public class RemoteServices {

    /** Where and how one module calls its service; {@code name} says which service in errors. */
    record Target(ProjectModule module, JsonNode config, String name, String endpointKey, String endpointDefault, int defaultTimeoutSeconds) {
    }

    private final RemoteServiceAuth auth;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public RemoteServices(RemoteServiceAuth auth, ObjectMapper json) {
        this.auth = auth;
        this.json = json;
    }

    /** POSTs {@code body} as JSON and answers the service's JSON, or throws {@link UpstreamException}. */
    JsonNode post(Target target, Object body, Exchange exchange) {
        JsonNode config = target.config();
        String module = target.module().name();
        String base = config.path("service_url").asText("").replaceAll("/+$", "");
        if (base.isEmpty()) {
            throw new UpstreamException(target.module().type() + " module " + module + " has no service_url");
        }
        URI uri;
        byte[] payload;
        try {
            uri = URI.create(base + config.path(target.endpointKey()).asText(target.endpointDefault()));
            payload = json.writeValueAsBytes(body);
        } catch (IllegalArgumentException | IOException e) {
            throw new UpstreamException(target.module().type() + " module " + module + " has an unusable service_url or "
                    + target.endpointKey());
        }
        Optional<String> authorization = config.path("api_key_enabled").asBoolean(false) && config.hasNonNull("api_key")
                ? Optional.of("Bearer " + config.get("api_key").asText()) : auth.authorization(target.module(), config, exchange);
        Duration timeout = Duration.ofSeconds(config.path("request_timeout").asInt(target.defaultTimeoutSeconds()));
        int attempts = 1 + Math.max(0, config.path("max_retries").asInt(2));
        String failure = "no answer";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpRequest.Builder call = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
            authorization.ifPresent(value -> call.header("Authorization", value));
            try {
                HttpResponse<byte[]> response = http.send(call.build(), HttpResponse.BodyHandlers.ofByteArray());
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
                throw new UpstreamException("interrupted while calling the " + target.name() + " of module " + module);
            }
        }
        throw new UpstreamException("the " + target.name() + " of module " + module + " answered " + failure);
    }
}
