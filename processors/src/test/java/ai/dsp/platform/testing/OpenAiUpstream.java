package ai.dsp.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback upstream speaking the OpenAI chat completions protocol, with faults on demand: each
 * request takes the next {@link Behaviour} of a script ({@link #enqueue}), or the standing one
 * ({@link #otherwise}) once the script is used up. Behaviours cover answers (JSON and SSE streams
 * with chosen timing), errors (429 with Retry-After, 5xx, 401), a slow first byte, a stall, a
 * connection dropped before or in the middle of a stream, and malformed JSON. Every request is
 * recorded with its headers, body and arrival time, so tests assert what was sent and when.
 */
public final class OpenAiUpstream implements AutoCloseable {

    /** What one request received: its headers (names lower-cased), its body, and when it arrived ({@link System#nanoTime()}). */
    public record RecordedRequest(String method, String path, Map<String, List<String>> headers, JsonNode body, long receivedNanos) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** How the upstream answers one request. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(HttpExchange exchange, RecordedRequest request, OpenAiUpstream upstream) throws IOException;
    }

    /** What became of a {@link #pausingStream}: how many tokens it wrote, and whether the client hung up before the end. */
    public record StreamOutcome(int tokensWritten, boolean cutByClient) {
    }

    /** Thrown inside a handler to make the server close the connection without ending the response properly. */
    private static final class Drop extends RuntimeException {
        Drop() {
            super("connection dropped on purpose", null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Queue<Behaviour> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final BlockingQueue<StreamOutcome> outcomes = new LinkedBlockingQueue<>();
    private volatile Behaviour standing = completion("ok");

    public OpenAiUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The API root in the OpenAI convention, including {@code /v1}. */
    public String baseUrl() {
        return "http://" + hostPort() + "/v1";
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests get these behaviours, one each, in order. */
    public OpenAiUpstream enqueue(Behaviour... behaviours) {
        script.addAll(List.of(behaviours));
        return this;
    }

    /** What every request gets once the script is used up (a completion "ok" until set). */
    public OpenAiUpstream otherwise(Behaviour behaviour) {
        standing = behaviour;
        return this;
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("no request reached the upstream at " + hostPort());
        }
        return requests.get(requests.size() - 1);
    }

    // ---- answers ----

    /** A chat.completion with {@code content} and a usage of 12 prompt and 3 completion tokens. */
    public static Behaviour completion(String content) {
        return completion(content, 12, 3);
    }

    public static Behaviour completion(String content, int promptTokens, int completionTokens) {
        return (exchange, request, upstream) -> {
            ObjectNode body = JSON.createObjectNode()
                    .put("id", "chatcmpl-up1")
                    .put("object", "chat.completion")
                    .put("created", 1_735_000_000L)
                    .put("model", modelOf(request));
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", content);
            choice.put("finish_reason", "stop");
            body.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
            send(exchange, 200, "application/json", JSON.writeValueAsString(body), Map.of());
        };
    }

    /** A streamed completion: a role chunk, one chunk per token, a stop chunk, then {@code [DONE]}, without pauses. */
    public static Behaviour stream(List<String> tokens) {
        return stream(tokens, Duration.ZERO);
    }

    /** As {@link #stream(List)}, pausing {@code between} before each token chunk. */
    public static Behaviour stream(List<String> tokens, Duration between) {
        return (exchange, request, upstream) -> {
            String model = modelOf(request);
            OutputStream out = startStream(exchange);
            event(out, chunk(model, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
            for (String token : tokens) {
                upstream.pause(between);
                event(out, chunk(model, JSON.createObjectNode().put("content", token), null));
            }
            event(out, chunk(model, JSON.createObjectNode(), "stop"));
            event(out, "[DONE]");
            out.close();
        };
    }

    /**
     * A stream whose last token chunk waits until {@code gate} opens (at most 10 s); {@code sentLast}
     * then counts down, so a test can tell whether its client saw the first chunks while the
     * upstream was still holding the last one. A usage chunk (5 prompt, {@code tokens} completion
     * tokens) comes before {@code [DONE]}, as with {@code stream_options.include_usage}.
     */
    public static Behaviour streamGated(List<String> tokens, CountDownLatch gate, CountDownLatch sentLast) {
        return (exchange, request, upstream) -> {
            String model = modelOf(request);
            OutputStream out = startStream(exchange);
            for (int i = 0; i < tokens.size(); i++) {
                if (i == tokens.size() - 1) {
                    await(gate);
                }
                event(out, chunk(model, JSON.createObjectNode().put("content", tokens.get(i)), null));
            }
            sentLast.countDown();
            ObjectNode usage = JSON.createObjectNode().put("id", "chatcmpl-up2").put("object", "chat.completion.chunk")
                    .put("model", model);
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", 5).put("completion_tokens", tokens.size()).put("total_tokens", 5 + tokens.size());
            event(out, JSON.writeValueAsString(usage));
            event(out, "[DONE]");
            out.close();
        };
    }

    /**
     * A stream that writes {@code before}, waits until {@code resume} is counted down (or the
     * upstream closes), then writes {@code after}, one token every {@code pace}, and records its
     * {@link StreamOutcome} ({@link #takeStreamOutcome}): whether the client read it all or hung up
     * on the way.
     */
    public Behaviour pausingStream(List<String> before, CountDownLatch resume, List<String> after, Duration pace) {
        return (exchange, request, upstream) -> {
            String model = modelOf(request);
            int written = 0;
            boolean cut = false;
            try (OutputStream out = startStream(exchange)) {
                event(out, chunk(model, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
                for (String token : before) {
                    event(out, chunk(model, JSON.createObjectNode().put("content", token), null));
                    written++;
                }
                awaitUnlessClosed(resume);
                for (String token : after) {
                    pause(pace);
                    event(out, chunk(model, JSON.createObjectNode().put("content", token), null));
                    written++;
                }
                event(out, chunk(model, JSON.createObjectNode(), "stop"));
                event(out, "[DONE]");
            } catch (IOException hungUp) {
                cut = true;
            } finally {
                outcomes.add(new StreamOutcome(written, cut));
            }
        };
    }

    /** The outcome of the next {@link #pausingStream} to end. */
    public StreamOutcome takeStreamOutcome(Duration within) throws InterruptedException {
        StreamOutcome outcome = outcomes.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (outcome == null) {
            throw new AssertionError("no paused stream ended within " + within);
        }
        return outcome;
    }

    /**
     * Sends the first {@code tokens} as chunks, then drops the connection as a crashing server
     * would: the response was announced longer than what came, so the client reads what was sent
     * and then a premature end of stream (never a well-formed end).
     */
    public static Behaviour dropMidStream(List<String> tokens) {
        return (exchange, request, upstream) -> {
            String model = modelOf(request);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 1 << 20);
            OutputStream out = exchange.getResponseBody();
            for (String token : tokens) {
                event(out, chunk(model, JSON.createObjectNode().put("content", token), null));
            }
            throw new Drop();
        };
    }

    /** Closes the connection before sending any response. */
    public static Behaviour drop() {
        return (exchange, request, upstream) -> {
            throw new Drop();
        };
    }

    // ---- faults ----

    /** An OpenAI-style error body with {@code status}. */
    public static Behaviour error(int status, String type, String message) {
        return error(status, type, message, Map.of());
    }

    public static Behaviour error(int status, String type, String message, Map<String, String> headers) {
        return (exchange, request, upstream) -> {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", type);
            send(exchange, status, "application/json", JSON.writeValueAsString(body), headers);
        };
    }

    /** 429 with {@code Retry-After: retryAfter} (seconds or an HTTP date), or without the header when null. */
    public static Behaviour rateLimited(String retryAfter) {
        return error(429, "rate_limit_exceeded", "Rate limit reached for requests",
                retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter));
    }

    public static Behaviour serverError() {
        return error(500, "server_error", "The server had an error while processing your request");
    }

    /** Any status with a literal body. */
    public static Behaviour status(int status, String contentType, String body) {
        return (exchange, request, upstream) -> send(exchange, status, contentType, body, Map.of());
    }

    /** A 200 whose JSON body does not parse. */
    public static Behaviour malformedJson() {
        return status(200, "application/json", "{\"id\": \"chatcmpl-up3\", \"choices\": [");
    }

    /** Waits {@code delay} before doing what {@code then} does (a slow first byte). */
    public static Behaviour delayed(Duration delay, Behaviour then) {
        return (exchange, request, upstream) -> {
            upstream.pause(delay);
            then.answer(exchange, request, upstream);
        };
    }

    /** Sends {@code status} headers and {@code prefix} at once, then nothing more until the upstream is closed. */
    public static Behaviour stall(int status, String contentType, String prefix) {
        return (exchange, request, upstream) -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(prefix.getBytes(StandardCharsets.UTF_8));
            out.flush();
            upstream.pause(Duration.ofSeconds(30));
            throw new Drop();
        };
    }

    /** Answers nothing at all until the upstream is closed. */
    public static Behaviour hang() {
        return (exchange, request, upstream) -> {
            upstream.pause(Duration.ofSeconds(30));
            throw new Drop();
        };
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long received = System.nanoTime();
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonNode json;
        try {
            json = body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            json = JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, json, received);
        requests.add(request);
        Behaviour next = script.poll();
        (next == null ? standing : next).answer(exchange, request, this);
        exchange.close();
    }

    /** Sleeps for {@code duration}, or less when the upstream closes first. */
    private void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitUnlessClosed(CountDownLatch resume) {
        try {
            while (!resume.await(100, TimeUnit.MILLISECONDS)) {
                if (closed.getCount() == 0) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String modelOf(RecordedRequest request) {
        return request.body().path("model").asText("unknown");
    }

    private static OutputStream startStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** One chat.completion.chunk of a stream. */
    private static String chunk(String model, ObjectNode delta, String finishReason) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("id", "chatcmpl-up2")
                .put("object", "chat.completion.chunk")
                .put("created", 1_735_000_001L)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return JSON.writeValueAsString(body);
    }

    /** One Server-Sent Event, flushed. */
    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The chat completion chunks' text of an SSE body, concatenated: what a client would show. */
    public static String streamedText(String sse) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
            }
        }
        return text.toString();
    }
}
