package ai.dsp.platform.app.frontdoor.inference;

import ai.dsp.platform.app.frontdoor.inference.SseEvents.Usage;
import ai.dsp.platform.app.frontdoor.inference.UpstreamCall.Attempt;
import ai.dsp.platform.app.frontdoor.inference.UpstreamFailure.Kind;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The engine of the Front Door's {@code inference_endpoint} handler: sends a client's OpenAI chat
 * request to the module's upstream with the module's defaults and key, and copes with what
 * upstreams do. A failed call (429, 5xx, a connection error, a timeout) is repeated up to the
 * module's {@code max_retries} after an exponential backoff with jitter or the upstream's
 * {@code Retry-After}; then the module's {@code fallbacks} are tried in order, each with its own
 * retries. Every upstream has a circuit breaker ({@link UpstreamBreakers}): while it is open the
 * upstream is not called and the request goes to the fallbacks at once, or is answered 503.
 * Streams pass through unbuffered, event by event, and are never repeated once a byte reached the
 * client. Failures come back as OpenAI-style errors: 502 (upstream error, refused credentials,
 * unusable answer), 504 (timeout), 503 (breaker open), 429 (still rate limited), and the
 * upstream's own 4xx for a request it refused. docs/FRONT-DOOR.md, "Inference modules".
 *
 * <p>The circuit breakers come from resilience4j's {@code CircuitBreakerRegistry} rather than
 * Camel's {@code circuitBreaker} EIP, whose breaker is fixed per route definition: see
 * {@link UpstreamBreakers}. Neither keys nor request contents are logged.
 */
public class InferenceClient {

    private static final Logger log = LoggerFactory.getLogger(InferenceClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> JSON_TYPE = Map.of("Content-Type", "application/json");

    private final InferenceProperties properties;
    private final UpstreamBreakers breakers;
    private final PlatformMetrics metrics;
    private final RetryDelays delays;
    private final UpstreamCall upstream;

    public InferenceClient(InferenceProperties properties, UpstreamBreakers breakers, PlatformMetrics metrics, Clock clock) {
        this.properties = properties;
        this.breakers = breakers;
        this.metrics = metrics;
        this.delays = new RetryDelays(properties.retryInitialDelay(), properties.retryMaxDelay(), properties.retryAfterMax(), clock,
                () -> ThreadLocalRandom.current().nextDouble());
        this.upstream = new UpstreamCall(JSON, delays, properties.maxResponseSize().toBytes());
    }

    /**
     * A module of {@code project} from its resolved manifest {@code config}, with this client's defaults.
     *
     * @throws InvalidInferenceModuleException when the config cannot be used
     */
    public InferenceModule module(String project, String name, JsonNode config) {
        return InferenceModule.from(project, name, config, properties);
    }

    /**
     * Answers a non-streamed chat completion ({@code stream} is sent as false whatever the request says).
     *
     * @param fallbackLookup the project's inference module of a name, if it has one
     */
    public ChatResult complete(InferenceModule module, ObjectNode openAiRequest, Function<String, Optional<InferenceModule>> fallbackLookup) {
        String problem = ChatRequests.problem(openAiRequest);
        if (problem != null) {
            return new ChatResult(400, OpenAiErrors.body(problem, "invalid_request_error", "invalid_request"), Map.of(), null);
        }
        Candidates candidates = new Candidates(module, fallbackLookup);
        UpstreamFailure last = null;
        while (candidates.hasNext()) {
            InferenceModule candidate = candidates.next();
            Attempt attempt = withRetries(candidate, openAiRequest, null);
            if (attempt.failure() == null) {
                countTokens(candidate, attempt.usage());
                return new ChatResult(200, attempt.body(), Map.of(), candidate.name());
            }
            last = attempt.failure();
            if (!last.mayFallBack() || !handOver(candidate, last, candidates)) {
                break;
            }
        }
        return last.toResult(module.name());
    }

    /**
     * Streams a chat completion to {@code sink} as the upstream sends it ({@code stream} is sent as
     * true). Retries and fallbacks happen only while nothing has been written; after that, a
     * failure ends the stream with an error event. See {@link StreamSink} for what the sink gets.
     */
    public StreamResult stream(InferenceModule module, ObjectNode openAiRequest, Function<String, Optional<InferenceModule>> fallbackLookup,
                               StreamSink sink) {
        String problem = ChatRequests.problem(openAiRequest);
        if (problem != null) {
            ChatResult refused = new ChatResult(400, OpenAiErrors.body(problem, "invalid_request_error", "invalid_request"), Map.of(), null);
            answerWithError(sink, refused);
            return new StreamResult(400, null, false);
        }
        Candidates candidates = new Candidates(module, fallbackLookup);
        UpstreamFailure last = null;
        while (candidates.hasNext()) {
            InferenceModule candidate = candidates.next();
            Attempt attempt = withRetries(candidate, openAiRequest, sink);
            UpstreamFailure failure = attempt.failure();
            if (failure == null) {
                countTokens(candidate, attempt.usage());
                quietly(sink::end);
                return new StreamResult(200, candidate.name(), true);
            }
            if (failure.kind() == Kind.CLIENT_GONE) {
                return new StreamResult(200, candidate.name(), false);
            }
            if (failure.committed()) {
                log.warn("Inference stream of {}/{} from {} ended early: {}", candidate.project(), candidate.name(), candidate.upstream(),
                        failure.detail());
                byte[] event = ("data: " + new String(bytes(failure.streamError(module.name())), StandardCharsets.UTF_8) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8);
                quietly(() -> sink.write(event));
                quietly(sink::end);
                return new StreamResult(200, candidate.name(), false);
            }
            last = failure;
            if (!last.mayFallBack() || !handOver(candidate, last, candidates)) {
                break;
            }
        }
        ChatResult result = last.toResult(module.name());
        answerWithError(sink, result);
        return new StreamResult(result.status(), null, false);
    }

    /** The module's calls, repeated while the failure allows it and the breaker lets them through. */
    private Attempt withRetries(InferenceModule module, ObjectNode request, StreamSink sink) {
        byte[] body = bytes(ChatRequests.withDefaults(module, request, sink != null));
        CircuitBreaker breaker = breakers.of(module);
        for (int repeat = 0; ; repeat++) {
            if (!breaker.tryAcquirePermission()) {
                metrics.upstreamRequest(module.project(), module.name(), module.upstream(), Kind.BREAKER_OPEN.label);
                return Attempt.failed(UpstreamFailure.of(Kind.BREAKER_OPEN, "circuit breaker open"));
            }
            long start = System.nanoTime();
            Attempt attempt;
            try {
                attempt = upstream.call(module, body, sink);
            } catch (RuntimeException e) {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                throw e;
            }
            long elapsed = System.nanoTime() - start;
            UpstreamFailure failure = attempt.failure();
            record(breaker, failure, elapsed);
            metrics.upstreamRequest(module.project(), module.name(), module.upstream(), failure == null ? "ok" : failure.kind().label);
            metrics.upstreamDuration(module.project(), module.name(), elapsed);
            if (attempt.firstTokenNanos() >= 0) {
                metrics.timeToFirstToken(module.project(), module.name(), attempt.firstTokenNanos());
            }
            if (failure == null || !failure.mayRepeat() || repeat >= module.maxRetries()) {
                return attempt;
            }
            Optional<Duration> wait = delays.before(repeat + 1, failure.retryAfter());
            if (wait.isEmpty()) {
                log.info("Inference upstream {} of {}/{} asks to wait {} s (over retry-after-max); not repeated", module.upstream(),
                        module.project(), module.name(), failure.retryAfter().toSeconds());
                return attempt;
            }
            metrics.upstreamRetry(module.project(), module.name(), failure.kind().label);
            log.debug("Inference upstream {} of {}/{}: {}; repeat {} of {} in {} ms", module.upstream(), module.project(), module.name(),
                    failure.detail(), repeat + 1, module.maxRetries(), wait.get().toMillis());
            if (!pause(wait.get())) {
                return attempt;
            }
        }
    }

    /** Moves on to the next fallback, if there is one; counts and logs the hand-over. */
    private boolean handOver(InferenceModule from, UpstreamFailure failure, Candidates candidates) {
        if (!candidates.hasNext()) {
            log.warn("Inference module {}/{} failed ({}: {}) and has no fallback left", from.project(), from.name(), failure.kind().label,
                    failure.detail());
            return false;
        }
        metrics.upstreamFallback(from.project(), from.name());
        log.info("Inference module {}/{} failed ({}: {}); trying its fallback {}", from.project(), from.name(), failure.kind().label,
                failure.detail(), candidates.peekName());
        return true;
    }

    private static void record(CircuitBreaker breaker, UpstreamFailure failure, long nanos) {
        UpstreamFailure.Breaker counted = failure == null ? UpstreamFailure.Breaker.SUCCESS : failure.kind().breaker;
        switch (counted) {
            case SUCCESS:
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                break;
            case FAILURE:
                breaker.onError(nanos, TimeUnit.NANOSECONDS, new UpstreamFailedException(failure.kind().label));
                break;
            default:
                breaker.releasePermission();
        }
    }

    private void countTokens(InferenceModule module, Usage usage) {
        if (usage != null) {
            metrics.tokens(module.project(), module.name(), usage.promptTokens(), usage.completionTokens());
        }
    }

    private static void answerWithError(StreamSink sink, ChatResult result) {
        Map<String, String> headers = new HashMap<>(result.headers());
        headers.putAll(JSON_TYPE);
        quietly(() -> {
            sink.headers(result.status(), headers);
            sink.write(bytes(result.body()));
            sink.end();
        });
    }

    /** Calls the sink; a client that went away is no error of ours, so its exception ends here. */
    private static void quietly(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.debug("The client of an inference stream went away: {}", e.toString());
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits before a repeat; false when interrupted (the caller is shutting down: no more repeats). */
    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the breaker is told failed; no stack trace, it is a count, not a bug. */
    private static final class UpstreamFailedException extends RuntimeException {
        UpstreamFailedException(String kind) {
            super(kind, null, false, false);
        }
    }

    /**
     * The called module, then its fallbacks in order, each looked up when it is needed: names the
     * project does not have as inference modules, or whose config cannot be used, are skipped with a
     * warning; a name is tried once. Fallbacks of fallbacks are not followed.
     */
    private static final class Candidates {

        private final InferenceModule first;
        private final Function<String, Optional<InferenceModule>> lookup;
        private final Deque<String> names;
        private final Set<String> seen = new HashSet<>();
        private InferenceModule next;

        Candidates(InferenceModule first, Function<String, Optional<InferenceModule>> lookup) {
            this.first = first;
            this.lookup = lookup;
            this.names = new ArrayDeque<>(first.fallbacks());
            this.next = first;
            seen.add(first.name());
        }

        boolean hasNext() {
            while (next == null && !names.isEmpty()) {
                String name = names.poll();
                if (!seen.add(name)) {
                    continue;
                }
                try {
                    Optional<InferenceModule> found = lookup.apply(name);
                    if (found.isPresent() && found.get().project().equals(first.project())) {
                        next = found.get();
                    } else {
                        log.warn("Fallback '{}' of inference module {}/{} is not an inference module of the project; skipped", name,
                                first.project(), first.name());
                    }
                } catch (InvalidInferenceModuleException e) {
                    log.warn("Fallback '{}' of inference module {}/{} skipped: {}", name, first.project(), first.name(), e.getMessage());
                }
            }
            return next != null;
        }

        String peekName() {
            return hasNext() ? next.name() : null;
        }

        InferenceModule next() {
            if (!hasNext()) {
                throw new IllegalStateException("no candidate left");
            }
            InferenceModule current = next;
            next = null;
            return current;
        }
    }
}
