package ai.dsp.platform.answer;

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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server speaking the OpenAI chat completions wire protocol: it records each request
 * and answers with whatever the test set up (a chat.completion, an SSE stream, an error, silence).
 */
final class FakeOpenAiServer implements AutoCloseable {

    record RecordedRequest(String method, String path, Headers headers, JsonNode body) {
    }

    @FunctionalInterface
    interface Reply {
        void send(HttpExchange exchange) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Reply reply = exchange -> send(exchange, 500, "application/json", "{}");

    FakeOpenAiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL in the OpenAI convention: the API root including {@code /v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    void replyWith(Reply next) {
        reply = next;
    }

    RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest request = requests.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the fake OpenAI server");
        }
        return request;
    }

    int requestCount() {
        return requests.size();
    }

    static Reply completion(String model, String content) {
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
    static Reply stream(String model, List<String> tokens) {
        return exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                writeEvent(out, chunk(model, delta("role", "assistant").put("content", ""), null));
                for (String token : tokens) {
                    writeEvent(out, chunk(model, delta("content", token), null));
                }
                writeEvent(out, chunk(model, JSON.createObjectNode(), "stop"));
                writeEvent(out, "[DONE]");
            }
        };
    }

    static Reply error(int status, String type, String message) {
        return exchange -> {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("error").put("message", message).put("type", type).putNull("param").put("code", type);
            send(exchange, status, "application/json", JSON.writeValueAsString(body));
        };
    }

    /** Holds the response back until the server is closed, so the client's timeout fires. */
    Reply silence() {
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

    private static ObjectNode delta(String field, String value) {
        return JSON.createObjectNode().put(field, value);
    }

    private static String chunk(String model, ObjectNode delta, String finishReason) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("id", "chatcmpl-9x2Kq8")
                .put("object", "chat.completion.chunk")
                .put("created", 1_735_000_001L)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return JSON.writeValueAsString(body);
    }

    private static void writeEvent(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
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
