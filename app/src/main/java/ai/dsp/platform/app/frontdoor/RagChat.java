package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.app.http.EventStream;
import ai.dsp.platform.retrieve.AnswerEvents;
import ai.dsp.platform.retrieve.QueryResponse;
import ai.dsp.platform.retrieve.QueryService;
import ai.dsp.platform.retrieve.RetrieveRequest;
import ai.dsp.platform.store.MetadataFilter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.TokenCountEstimator;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@code rag_config} module answering OpenAI chat completions, as the seed's RAG service does:
 * the last user message is the query, the answer is grounded in the module's collection, and the
 * response carries the {@code sources} it cites beside the standard fields. {@code usage} is
 * counted with the embedding model's tokenizer.
 */
@Component("ragChat")
public class RagChat {

    private final RagModules modules;
    private final QueryService queries;
    private final TokenCountEstimator tokens;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    public RagChat(RagModules modules, QueryService queries, TokenCountEstimator tokens, ObjectMapper json) {
        this.modules = modules;
        this.queries = queries;
        this.tokens = tokens;
        this.json = json;
    }

    /**
     * The completion, or with {@code stream: true} OpenAI chunks as the answer is made (the
     * model's tokens with an LLM, sentence by sentence for an extractive answer), the last chunk
     * with {@code finish_reason}, {@code usage} and the {@code sources}, then {@code [DONE]}.
     */
    public Map<String, Object> complete(ProjectModule module, Map<String, Object> request, List<MetadataFilter> scope, Exchange exchange) {
        if (Boolean.TRUE.equals(request == null ? null : request.get("stream"))) {
            stream(module, request, scope, exchange);
            return null;
        }
        return complete(module, request, scope);
    }

    private void stream(ProjectModule module, Map<String, Object> request, List<MetadataFilter> scope, Exchange exchange) {
        String question = lastUserMessage(request);
        RetrieveRequest retrieve = modules.scoped(module, new RetrieveRequest(question, null, null, null, null, null, true));
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = clock.instant().getEpochSecond();
        String model = module.project() + "/" + module.name();
        try (EventStream events = EventStream.open(exchange, json)) {
            queries.stream(retrieve, scope, new AnswerEvents() {
                private List<QueryResponse.QuerySource> sources = List.of();

                @Override
                public void sources(List<QueryResponse.QuerySource> found) {
                    sources = found;
                    events.send(null, chunk(id, created, model, Map.of("role", "assistant", "content", ""), null));
                }

                @Override
                public void delta(String text) {
                    events.send(null, chunk(id, created, model, Map.of("content", text), null));
                }

                @Override
                public void citation(int number, QueryResponse.QuerySource source) {
                    // the sources come with the last chunk
                }

                @Override
                public void done(Done done) {
                    Map<String, Object> last = chunk(id, created, model, Map.of(), "stop");
                    last.put("usage", done.usage());
                    last.put("sources", sources);
                    events.send(null, last);
                    events.send(null, "[DONE]");
                }

                @Override
                public void error(Throwable cause) {
                    events.send(null, Map.of("error", Map.of("message", "the answer could not be completed", "type", "server_error")));
                }
            });
        }
    }

    private static Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finishReason);
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        chunk.put("choices", List.of(choice));
        return chunk;
    }

    public Map<String, Object> complete(ProjectModule module, Map<String, Object> request, List<MetadataFilter> scope) {
        String question = lastUserMessage(request);
        RetrieveRequest retrieve = modules.scoped(module, new RetrieveRequest(question, null, null, null, null, null, null));
        QueryResponse answer = queries.query(retrieve, scope);
        int promptTokens = tokens.estimateTokenCountInText(question);
        int completionTokens = tokens.estimateTokenCountInText(answer.answer());
        Map<String, Object> message = Map.of("role", "assistant", "content", answer.answer());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("id", "chatcmpl-" + UUID.randomUUID());
        response.put("object", "chat.completion");
        response.put("created", clock.instant().getEpochSecond());
        response.put("model", module.project() + "/" + module.name());
        response.put("choices", List.of(Map.of("index", 0, "message", message, "finish_reason", "stop")));
        response.put("usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", completionTokens,
                "total_tokens", promptTokens + completionTokens));
        response.put("sources", answer.sources());
        return response;
    }

    private static String lastUserMessage(Map<String, Object> request) {
        if (request == null || !(request.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
            throw new BadRequestException("messages is a non-empty list of {role, content}");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof Map<?, ?> message && "user".equals(message.get("role")) && message.get("content") instanceof String text
                    && !text.isBlank()) {
                return text;
            }
        }
        throw new BadRequestException("messages has no user message with text content");
    }
}
