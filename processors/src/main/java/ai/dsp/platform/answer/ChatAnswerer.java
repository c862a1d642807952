package ai.dsp.platform.answer;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Answers with a model behind any OpenAI-compatible chat completions endpoint (OpenAI, Groq,
 * Ollama, vLLM...), prompted with the template at {@code dsp.answer.llm.prompt-template} to answer
 * only from the numbered sources and to cite them as {@code [n]}.
 */
public final class ChatAnswerer implements Answerer {

    private static final int MAX_ERROR_BODY_CHARS = 300;

    private final ChatProperties properties;
    private final PromptTemplate template;
    private final ChatModel chatModel;
    private final StreamingChatModel streamingModel;

    /**
     * @throws IllegalArgumentException when the endpoint or model is not configured
     * @throws IllegalStateException    when the prompt template is missing or malformed
     */
    public ChatAnswerer(ChatProperties properties) {
        if (!configured(properties)) {
            throw new IllegalArgumentException("dsp.answer.llm.base-url is not set");
        }
        if (isBlank(properties.model())) {
            throw new IllegalArgumentException("dsp.answer.llm.model is not set (endpoint " + properties.baseUrl() + ")");
        }
        this.properties = properties;
        this.template = PromptTemplate.load(Path.of(properties.promptTemplate()));
        this.chatModel = chatModel(properties);
        this.streamingModel = streamingModel(properties);
    }

    /** Whether an endpoint is set; without one the platform answers extractively. */
    public static boolean configured(ChatProperties properties) {
        return properties != null && !isBlank(properties.baseUrl());
    }

    @Override
    public Answer answer(String question, List<Source> sources) {
        if (sources.isEmpty()) {
            return Answer.noMatchingContent(properties.model());
        }
        ChatResponse response;
        try {
            response = chatModel.chat(request(question, sources));
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        return answer(response, sources);
    }

    /**
     * Streams the answer: {@code onToken} gets each piece of text as the model writes it, then
     * exactly one of {@code onComplete} (with the whole answer and its citations) or
     * {@code onError} (with an {@link AnswerUnavailableException}) is called. Callbacks run on the
     * HTTP client's threads. If {@code onToken} throws, the stream is cancelled and the exception
     * goes to {@code onError}.
     */
    @Override
    public void stream(String question, List<Source> sources, Consumer<String> onToken,
            Consumer<Answer> onComplete, Consumer<Throwable> onError) {
        if (sources.isEmpty()) {
            Answer nothing = Answer.noMatchingContent(properties.model());
            nothing.deliver(List.of(nothing.text()), onToken, onComplete, onError);
            return;
        }
        StreamingAnswer handler = new StreamingAnswer(sources, onToken, onComplete, onError);
        try {
            streamingModel.chat(request(question, sources), handler);
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }

    private ChatRequest request(String question, List<Source> sources) {
        List<ChatMessage> messages = new ArrayList<>(2);
        String system = template.system(question, sources);
        if (!system.isEmpty()) {
            messages.add(SystemMessage.from(system));
        }
        messages.add(UserMessage.from(template.user(question, sources)));
        return ChatRequest.builder().messages(messages).build();
    }

    private Answer answer(ChatResponse response, List<Source> sources) {
        String text = response.aiMessage().text();
        if (isBlank(text)) {
            throw new AnswerUnavailableException(describeEndpoint() + " returned no answer text (finish reason "
                    + response.finishReason() + ")");
        }
        return new Answer(text.strip(), Citations.parse(text, sources), properties.model());
    }

    private AnswerUnavailableException unavailable(Throwable failure) {
        HttpException http = causeOfType(failure, HttpException.class);
        if (http != null) {
            // No cause attached: the client's exception carries the raw response body, and a
            // server may echo the key back in it.
            return new AnswerUnavailableException(describeEndpoint() + " answered HTTP " + http.statusCode()
                    + " (" + meaning(http.statusCode()) + "): " + abbreviate(redact(http.getMessage())));
        }
        if (causeOfType(failure, HttpTimeoutException.class) != null
                || causeOfType(failure, dev.langchain4j.exception.TimeoutException.class) != null) {
            return new AnswerUnavailableException(describeEndpoint() + " did not answer within "
                    + properties.timeout(), failure);
        }
        return new AnswerUnavailableException(describeEndpoint() + " request failed: "
                + redact(mostSpecificProblem(failure).toString()), failure);
    }

    private static String meaning(int status) {
        if (status == 401) {
            return "the API key was rejected";
        }
        if (status == 403) {
            return "access denied";
        }
        if (status == 404) {
            return "unknown model or wrong base URL";
        }
        if (status == 429) {
            return "rate limited or out of quota";
        }
        if (status >= 500) {
            return "server error";
        }
        return "request rejected";
    }

    private String describeEndpoint() {
        return "Chat model '" + properties.model() + "' at " + properties.baseUrl();
    }

    private String redact(String message) {
        String key = properties.apiKey();
        return message == null || isBlank(key) ? String.valueOf(message) : message.replace(key, "****");
    }

    private static String abbreviate(String message) {
        if (message == null || message.length() <= MAX_ERROR_BODY_CHARS) {
            return message;
        }
        return message.substring(0, MAX_ERROR_BODY_CHARS) + "…";
    }

    private static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    // The outermost I/O error says what went wrong ("ConnectException"); the ones below it
    // are the channel's internals and the ones above are wrappers.
    private static Throwable mostSpecificProblem(Throwable failure) {
        IOException io = causeOfType(failure, IOException.class);
        return io != null ? io : failure;
    }

    private static ChatModel chatModel(ChatProperties properties) {
        return OpenAiChatModel.builder()
                .baseUrl(properties.baseUrl())
                .apiKey(properties.apiKey())
                .modelName(properties.model())
                .temperature(properties.temperature())
                .maxTokens(properties.maxTokens())
                .timeout(properties.timeout())
                // Retrying belongs to the calling route's error policy; retrying here as well
                // would multiply the attempts and the user's wait.
                .maxRetries(0)
                .build();
    }

    private static StreamingChatModel streamingModel(ChatProperties properties) {
        return OpenAiStreamingChatModel.builder()
                .baseUrl(properties.baseUrl())
                .apiKey(properties.apiKey())
                .modelName(properties.model())
                .temperature(properties.temperature())
                .maxTokens(properties.maxTokens())
                .timeout(properties.timeout())
                .build();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** Adapts LangChain4j's callbacks to ours and guarantees exactly one terminal callback. */
    private final class StreamingAnswer implements StreamingChatResponseHandler {

        private final List<Source> sources;
        private final Consumer<String> onToken;
        private final Consumer<Answer> onComplete;
        private final Consumer<Throwable> onError;
        private final AtomicBoolean finished = new AtomicBoolean();

        StreamingAnswer(List<Source> sources, Consumer<String> onToken, Consumer<Answer> onComplete,
                Consumer<Throwable> onError) {
            this.sources = sources;
            this.onToken = onToken;
            this.onComplete = onComplete;
            this.onError = onError;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            if (finished.get()) {
                return;
            }
            try {
                onToken.accept(partial.text());
            } catch (RuntimeException e) {
                // LangChain4j would only log this and keep streaming to a consumer that is gone.
                context.streamingHandle().cancel();
                fail(e);
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            Answer answer;
            try {
                answer = answer(response, sources);
            } catch (AnswerUnavailableException e) {
                fail(e);
                return;
            }
            if (finished.compareAndSet(false, true)) {
                onComplete.accept(answer);
            }
        }

        @Override
        public void onError(Throwable error) {
            fail(unavailable(error));
        }

        private void fail(Throwable error) {
            if (finished.compareAndSet(false, true)) {
                onError.accept(error);
            }
        }
    }
}
