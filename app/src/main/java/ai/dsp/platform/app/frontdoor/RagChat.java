package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.retrieve.QueryResponse;
import ai.dsp.platform.retrieve.QueryService;
import ai.dsp.platform.retrieve.RetrieveRequest;
import ai.dsp.platform.store.MetadataFilter;
import dev.langchain4j.model.TokenCountEstimator;
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
    private final Clock clock = Clock.systemUTC();

    public RagChat(RagModules modules, QueryService queries, TokenCountEstimator tokens) {
        this.modules = modules;
        this.queries = queries;
        this.tokens = tokens;
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
