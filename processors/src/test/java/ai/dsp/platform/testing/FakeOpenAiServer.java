package ai.dsp.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server speaking the OpenAI chat completions wire protocol: it records each request
 * and answers with whatever the test set up (a chat.completion, an SSE stream, a stream that
 * pauses or breaks off, an error, silence).
 */
public final class FakeOpenAiServer implements AutoCloseable {

    public record RecordedRequest(String method, String path, Headers headers, JsonNode body) {
    }

    @FunctionalInterface
    public interface Reply {
        void send(HttpExchange exchange) throws IOException;
    }

    /** What became of a streamed reply: how many tokens it wrote, and whether the client hung up before the end. */
    public record StreamOutcome(int tokensWritten, boolean cutByClient) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final BlockingQueue<StreamOutcome> outcomes = new LinkedBlockingQueue<>();
    private volatile Reply reply = exchange -> send(exchange, 500, "application/json", "{}");

    public FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL in the OpenAI convention: the API root including {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void replyWith(Reply next) {
        reply = next;
    }

    public RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest request = requests.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the fake OpenAI server");
        }
        return request;
    }

    public int requestCount() {
        return requests.size();
    }

    public static Reply completion(String model, String content) {
        return exchange -> {
            ObjectNode body = JSON.createObjectNode()
                    .put("id", "chatcmpl-9x2Kq7")
                    .put("object", "chat.completion")
                    .put("created", 1_735_000_000L)
                    .put("model", model)
                    .put("system_fingerprint", "fp_44709d6fcb");
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
            choice.putNull("logprobs").put("finish_reason", "stop");
            body.putObject("usage").put("prompt_tokens", 412).put("completion_tokens", 19).put("total_tokens", 431);
            send(exchange, 200, "application/json", JSON.writeValueAsString(body));
        };
    }

    /** A streamed completion: one {@code chat.completion.chunk} event per token, then {@code [DONE]}. */
    public static Reply stream(String model, List<String> tokens) {
        return exchange -> {
            try (OutputStream out = startStream(exchange, model, 0)) {
                writeTokens(out, model, tokens);
                finishStream(out, model);
            }
        };
    }

    /**
     * A streamed completion that writes {@code before}, then waits until {@code resume} is counted
     * down (or the server closes), then writes {@code after}, one token every {@code pace}, and
     * records its {@link StreamOutcome}: whether the client read it all or hung up on the way.
     */
    public Reply pausingStream(String model, List<String> before, CountDownLatch resume, List<String> after, Duration pace) {
        return exchange -> {
            int written = 0;
            boolean cut = false;
            try (OutputStream out = startStream(exchange, model, 0)) {
                written += writeTokens(out, model, before);
                await(resume);
                for (String token : after) {
                    pause(pace);
                    writeTokens(out, model, List.of(token));
                    written++;
                }
                finishStream(out, model);
            } catch (IOException hungUp) {
                cut = true;
            } finally {
                outcomes.add(new StreamOutcome(written, cut));
            }
        };
    }

    /**
     * Writes {@code tokens}, then breaks the connection off as a crashing server would: the
     * response was announced longer than what came, and the server drops the connection (it does
     * when its handler fails), so the client reads a premature end of stream.
     */
    public static Reply brokenStream(String model, List<String> tokens) {
        return exchange -> {
            OutputStream out = startStream(exchange, model, 1 << 20);
            writeTokens(out, model, tokens);
            throw new IOException("the fake model crashed in the middle of its answer");
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

    public static Reply error(int status, String type, String message) {
        return exchange -> {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", type);
            send(exchange, status, "application/json", JSON.writeValueAsString(body));
        };
    }

    /** Holds the response back until the server is closed, so the client's timeout fires. */
    public Reply silence() {
        return exchange -> {
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        };
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonNode json = body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        requests.add(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders(), json));
        reply.send(exchange);
    }

    private static OutputStream startStream(HttpExchange exchange, String model, long length) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, length);
        OutputStream out = exchange.getResponseBody();
        OpenAiUpstream.event(out, OpenAiUpstream.chunk(model, delta("role", "assistant").put("content", ""), null));
        return out;
    }

    private static int writeTokens(OutputStream out, String model, List<String> tokens) throws IOException {
        for (String token : tokens) {
            OpenAiUpstream.event(out, OpenAiUpstream.chunk(model, delta("content", token), null));
        }
        return tokens.size();
    }

    private static void finishStream(OutputStream out, String model) throws IOException {
        OpenAiUpstream.event(out, OpenAiUpstream.chunk(model, JSON.createObjectNode(), "stop"));
        OpenAiUpstream.event(out, "[DONE]");
    }

    private void await(CountDownLatch resume) {
        try {
            while (!resume.await(100, TimeUnit.MILLISECONDS)) {
                if (released.getCount() == 0) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration pace) {
        try {
            Thread.sleep(pace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode delta(String field, String value) {
        return JSON.createObjectNode().put(field, value);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
