package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.app.frontdoor.inference.ChatResult;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.app.frontdoor.inference.InferenceModule;
import ai.dsp.platform.app.frontdoor.inference.StreamResult;
import ai.dsp.platform.app.http.EventStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An {@code inference_endpoint} module answering chat completions: its OpenAI-compatible
 * upstream from the module's resolved config, through the {@link InferenceClient} (retries,
 * fallbacks to the project's other inference modules, a breaker per upstream, timeouts), the
 * upstream's status and OpenAI-style body passed on.
 */
@Component("inferenceEndpoints")
public class InferenceEndpoints {

    static final String INFERENCE = "inference_endpoint";

    private final FrontDoor frontDoor;
    private final InferenceClient client;
    private final ObjectMapper json;

    public InferenceEndpoints(FrontDoor frontDoor, InferenceClient client, ObjectMapper json) {
        this.frontDoor = frontDoor;
        this.client = client;
        this.json = json;
    }

    /**
     * The module's completion; with {@code stream: true} the upstream's Server-Sent Events are
     * passed through unbuffered (the body is then empty: the events went out already).
     */
    public Object complete(Exchange exchange) {
        ProjectModule module = exchange.getProperty(FrontDoor.MODULE, ProjectModule.class);
        ObjectNode request = request(exchange);
        if (request.path("stream").asBoolean(false)) {
            ClientStream sink = new ClientStream(exchange, EventStream.open(exchange, json));
            StreamResult streamed = client.stream(upstream(module), request, fallbacks(module), sink);
            audit(exchange, streamed.servedBy(), streamed.status());
            return exchange.getMessage().getBody();
        }
        ChatResult result = client.complete(upstream(module), request, fallbacks(module));
        audit(exchange, result.servedBy(), result.status());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, result.status());
        result.headers().forEach((name, value) -> exchange.getMessage().setHeader(name, value));
        return result.body();
    }

    /** Notes in the call's audit record which module's upstream answered (a fallback's name when it was one). */
    private static void audit(Exchange exchange, String servedBy, int status) {
        Map<String, Object> upstream = new LinkedHashMap<>();
        upstream.put("servedBy", servedBy);
        upstream.put("status", status);
        AuditTrail.annotate(exchange, "upstream", upstream);
    }

    /** A member of an ensemble: an inference module of the same project with one upstream. */
    ProjectModule member(ProjectModule ensemble, String name) {
        ProjectModule member = frontDoor.find(ensemble.project(), name);
        if (!INFERENCE.equals(member.type()) || member.ensemble()) {
            throw new IllegalStateException("ensemble " + ensemble.name() + " names " + name + ", which is not an inference module with an upstream");
        }
        return member;
    }

    /** The module as the client calls it, from its config resolved for this request. */
    InferenceModule upstream(ProjectModule module) {
        return client.module(module.project(), module.name(), frontDoor.resolvedConfig(module));
    }

    /** The project's other inference modules, by name, for the module's {@code fallbacks}. */
    Function<String, Optional<InferenceModule>> fallbacks(ProjectModule module) {
        return name -> {
            ProjectModule fallback = frontDoor.find(module.project(), name);
            return INFERENCE.equals(fallback.type()) && !fallback.ensemble() ? Optional.of(upstream(fallback)) : Optional.empty();
        };
    }

    ObjectNode request(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            throw new BadRequestException("the body is an OpenAI chat completions request: {messages, ...}");
        }
        JsonNode tree = json.valueToTree(body);
        if (!tree.isObject()) {
            throw new BadRequestException("the body is an OpenAI chat completions request: {messages, ...}");
        }
        return (ObjectNode) tree;
    }
}
