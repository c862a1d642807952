package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.app.frontdoor.inference.ChatResult;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.app.http.EventStream;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A weighted ensemble ({@code strategy: weighted_ensemble}, {@code models[{name, weight}]} naming
 * inference modules of the project, {@code aggregation: vote_and_score}, the seed's config):
 * routes/front-door.camel.yaml calls the members in parallel (split, parallel, with a total
 * timeout), {@link EnsembleVote} picks the answer, and the response is the winner's completion
 * with {@code model} = the ensemble and an {@code ensemble} object: {@code agreement} and every
 * member's {@code {model, weight, status, latency_ms, similarity_to_answer}}. Members that fail
 * or time out are left out and reported; all failing is a 502.
 */
@Component("ensembles")
public class Ensembles {

    /** Exchange property: the member calls of the ensemble, to report those the timeout cut off. */
    public static final String CALLS = "DspEnsembleCalls";
    /**
     * Exchange property: the caller's event stream, when it asked for one, opened before the
     * split (whose aggregated message no longer holds the HTTP response); the chosen answer goes
     * to it after the vote.
     */
    static final String STREAM = "DspEnsembleStream";

    private final InferenceEndpoints endpoints;
    private final InferenceClient client;
    private final EnsembleVote vote;
    private final PlatformMetrics metrics;
    private final ObjectMapper json;

    public Ensembles(InferenceEndpoints endpoints, InferenceClient client, EnsembleVote vote, PlatformMetrics metrics, ObjectMapper json) {
        this.endpoints = endpoints;
        this.client = client;
        this.vote = vote;
        this.metrics = metrics;
        this.json = json;
    }

    /** One member's call: its module and weight, and the request with the ensemble's defaults. */
    public record Call(ProjectModule member, double weight, ObjectNode request) {
    }

    /** The members' calls, which the route splits in parallel. */
    public List<Call> calls(Exchange exchange) {
        ProjectModule ensemble = exchange.getProperty(FrontDoor.MODULE, ProjectModule.class);
        ObjectNode request = endpoints.request(exchange);
        // the vote needs every answer whole: the members are asked for them, the chosen one is streamed after the vote
        if (request.path("stream").asBoolean(false)) {
            exchange.setProperty(STREAM, EventStream.open(exchange, json));
        }
        request.put("stream", false);
        JsonNode config = ensemble.config();
        for (String field : List.of("max_tokens", "temperature")) {
            if (!request.has(field) && config.has(field)) {
                request.set(field, config.get(field));
            }
        }
        JsonNode models = config.path("models");
        if (!models.isArray() || models.isEmpty()) {
            throw new BadRequestException("ensemble " + ensemble.name() + " names no models");
        }
        List<Call> calls = new ArrayList<>();
        for (JsonNode model : models) {
            calls.add(new Call(endpoints.member(ensemble, model.path("name").asText()), model.path("weight").asDouble(1),
                    request.deepCopy()));
        }
        exchange.setProperty(CALLS, calls);
        return calls;
    }

    /** One member, called on a thread of the split; a failure is a member that did not answer, not an error of the ensemble. */
    public EnsembleVote.Member call(Call call) {
        long started = System.nanoTime();
        String model = call.member().project() + "/" + call.member().name();
        try {
            ChatResult result = client.complete(endpoints.upstream(call.member()), call.request(), endpoints.fallbacks(call.member()));
            long latency = (System.nanoTime() - started) / 1_000_000;
            String text = result.ok() ? result.body().at("/choices/0/message/content").asText(null) : null;
            return new EnsembleVote.Member(model, call.weight(), text != null ? "ok" : "error " + result.status(), latency, text);
        } catch (RuntimeException e) {
            return new EnsembleVote.Member(model, call.weight(), "error", (System.nanoTime() - started) / 1_000_000, null);
        }
    }

    /**
     * The vote over the answers that came back within the timeout; the others are reported as
     * timed out. A caller that asked for a stream gets the chosen answer as OpenAI chunks: the
     * text, then {@code finish_reason} with the {@code ensemble} report, then {@code [DONE]}.
     */
    public JsonNode answer(Exchange exchange, List<EnsembleVote.Member> answered) {
        ProjectModule ensemble = exchange.getProperty(FrontDoor.MODULE, ProjectModule.class);
        @SuppressWarnings("unchecked")
        List<Call> calls = exchange.getProperty(CALLS, List.class);
        List<EnsembleVote.Member> members = new ArrayList<>();
        for (Call call : calls) {
            String model = call.member().project() + "/" + call.member().name();
            members.add((answered == null ? List.<EnsembleVote.Member>of() : answered).stream()
                    .filter(member -> member.model().equals(model)).findFirst()
                    .orElse(new EnsembleVote.Member(model, call.weight(), "timeout", -1, null)));
        }
        if (members.stream().noneMatch(member -> member.text() != null)) {
            throw new UpstreamException("no member of ensemble " + ensemble.name() + " answered");
        }
        EnsembleVote.Result result = vote.decide(members);
        metrics.ensembleAgreement(ensemble.project(), ensemble.name(), result.agreement());
        AuditTrail.annotate(exchange, "ensemble", Map.of("answeredBy", result.answer().model(), "agreement", result.agreement(),
                "members", members.stream().map(member -> Map.of("model", member.model(), "status", member.status())).toList()));
        ObjectNode response = json.createObjectNode();
        response.put("id", "chatcmpl-ensemble-" + exchange.getExchangeId());
        response.put("object", "chat.completion");
        response.put("created", System.currentTimeMillis() / 1000);
        response.put("model", ensemble.project() + "/" + ensemble.name());
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", result.answer().text());
        choice.put("finish_reason", "stop");
        ObjectNode report = response.putObject("ensemble");
        report.put("agreement", result.agreement());
        report.put("answered_by", result.answer().model());
        report.set("members", json.valueToTree(result.members()));
        EventStream stream = exchange.getProperty(STREAM, EventStream.class);
        if (stream != null) {
            stream(stream, response);
            return null;
        }
        return response;
    }

    private void stream(EventStream stream, ObjectNode response) {
        try (EventStream events = stream) {
            ObjectNode text = chunk(response);
            text.withArray("choices").addObject().put("index", 0).putObject("delta").put("role", "assistant")
                    .put("content", response.at("/choices/0/message/content").asText());
            events.send(null, text);
            ObjectNode last = chunk(response);
            last.withArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
            last.set("ensemble", response.get("ensemble"));
            events.send(null, last);
            events.send(null, "[DONE]");
        }
    }

    private ObjectNode chunk(ObjectNode response) {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", response.path("id").asText());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", response.path("created").asLong());
        chunk.put("model", response.path("model").asText());
        return chunk;
    }
}
