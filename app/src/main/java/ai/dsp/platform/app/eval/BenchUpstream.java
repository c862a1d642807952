package ai.dsp.platform.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake OpenAI-compatible upstream of {@code bench-gateway}, in process: {@code POST
 * /v1/chat/completions} answers a canned completion, or with {@code stream: true} a canned
 * Server-Sent Events stream of {@code tokens} chunks and {@code [DONE]}, each event flushed as it
 * is written. Everything it sends is made once; a call costs reading its body and one write, so
 * that the upstream is never what a benchmark measures. An optional delay before each answer
 * stands for a model's thinking time.
 */
final class BenchUpstream implements AutoCloseable {

    /** What every completion says, and what the streamed tokens add up to. */
    static final String ANSWER = "The capital of France is Paris.";
    static final String MODEL = "bench-model";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // the JDK server writes headers and a small body separately: with Nagle's algorithm the
        // body waits for the client's delayed ACK (up to 40 ms) on every kept-alive call
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final Duration delay;
    private final byte[] completion;
    private final List<byte[]> events;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param threads a thread per concurrent call (the benchmark's most clients, and then some)
     * @param tokens  the chunks of a streamed answer
     * @param delay   waited before answering; zero for none
     */
    BenchUpstream(int threads, int tokens, Duration delay) throws IOException {
        this.delay = delay;
        this.completion = JSON.writeValueAsBytes(Map.of(
                "id", "chatcmpl-bench", "object", "chat.completion", "created", 1_700_000_000L, "model", MODEL,
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "message", Map.of("role", "assistant", "content", ANSWER))),
                "usage", Map.of("prompt_tokens", 12, "completion_tokens", tokens, "total_tokens", 12 + tokens)));
        this.events = streamEvents(tokens);
        this.threads = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "bench-upstream");
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(this.threads);
        server.createContext("/v1/chat/completions", this::answer);
        server.start();
    }

    /** The OpenAI base URL ({@code http://127.0.0.1:PORT/v1}), as an inference module's {@code endpoint_url}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** Calls answered so far. */
    long calls() {
        return calls.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            JsonNode request = JSON.readTree(body);
            pause();
            calls.incrementAndGet();
            if (request != null && request.path("stream").asBoolean(false)) {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (byte[] event : events) {
                    out.write(event);
                    out.flush();
                }
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, completion.length);
            exchange.getResponseBody().write(completion);
        }
    }

    private void pause() {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The text of a streamed answer of {@code tokens} chunks: the answer's words first, then filler, so that any number is a stream. */
    static List<String> pieces(int tokens) {
        String[] words = ANSWER.split("(?<= )");
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            pieces.add(i < words.length ? words[i] : ".");
        }
        return pieces;
    }

    /** The pieces as chat.completion.chunk events, the last with the usage, then {@code [DONE]}. */
    private static List<byte[]> streamEvents(int tokens) throws IOException {
        List<byte[]> events = new ArrayList<>();
        for (String piece : pieces(tokens)) {
            Map<String, Object> chunk = Map.of("id", "chatcmpl-bench", "object", "chat.completion.chunk", "created", 1_700_000_000L,
                    "model", MODEL, "choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece))));
            events.add(event(JSON.writeValueAsString(chunk)));
        }
        events.add(event(JSON.writeValueAsString(Map.of("id", "chatcmpl-bench", "object", "chat.completion.chunk",
                "created", 1_700_000_000L, "model", MODEL,
                "choices", List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", "stop")),
                "usage", Map.of("prompt_tokens", 12, "completion_tokens", tokens, "total_tokens", 12 + tokens)))));
        events.add(event("[DONE]"));
        return events;
    }

    private static byte[] event(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
