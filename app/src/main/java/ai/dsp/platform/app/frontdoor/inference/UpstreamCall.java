package ai.dsp.platform.app.frontdoor.inference;

import ai.dsp.platform.app.frontdoor.inference.SseEvents.Usage;
import ai.dsp.platform.app.frontdoor.inference.UpstreamFailure.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP call of an upstream's {@code /chat/completions} (HTTP/1.1, never following redirects,
 * which would hand the key to another host), held to the module's three limits: connecting, the
 * first byte, the whole call. A non-streamed answer is read whole and parsed; a streamed one is
 * handed to the sink event by event as it arrives. Whatever fails becomes an {@link UpstreamFailure}.
 */
final class UpstreamCall {

    /** An upstream's error body is read this far, for its message; the rest is not needed. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    /** What one call gave: an answer (a body, or a stream the sink received) or a failure. */
    record Attempt(UpstreamFailure failure, JsonNode body, Usage usage, long firstTokenNanos) {

        static Attempt failed(UpstreamFailure failure) {
            return new Attempt(failure, null, null, -1);
        }
    }

    /** Thrown out of the sink's calls: the client went away. */
    private static final class ClientGone extends Exception {
        ClientGone(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final ObjectMapper json;
    private final RetryDelays delays;
    private final long maxResponseBytes;
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    UpstreamCall(ObjectMapper json, RetryDelays delays, long maxResponseBytes) {
        this.json = json;
        this.delays = delays;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Posts {@code body} and reads the whole answer, or streams it to {@code sink} when it is not null. */
    Attempt call(InferenceModule module, byte[] body, StreamSink sink) {
        long start = System.nanoTime();
        long deadline = start + module.timeout().toNanos();
        long firstByteDeadline = Math.min(deadline, start + module.firstByteTimeout().toNanos());
        // the request's timeout ends at the response headers: the first-byte limit; the body is
        // read against the total deadline (BodyChunks)
        HttpRequest.Builder request = HttpRequest.newBuilder(module.chatCompletionsUri())
                .timeout(Duration.ofNanos(Math.max(1, firstByteDeadline - start)))
                .header("Content-Type", "application/json")
                .header("Accept", sink == null ? "application/json" : "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (module.apiKey() != null) {
            request.header("Authorization", "Bearer " + module.apiKey());
        }
        BodyChunks chunks = new BodyChunks();
        HttpResponse<BodyChunks> response;
        try {
            // send, not sendAsync: the JDK client hands every sendAsync result to the common
            // pool, which on two cores is a new thread per call (CompletableFuture's fallback)
            response = client(module.connectTimeout()).send(request.build(), info -> chunks);
        } catch (HttpConnectTimeoutException e) {
            return Attempt.failed(UpstreamFailure.of(Kind.TIMEOUT, "no connection within " + limit(module.connectTimeout().toNanos())));
        } catch (HttpTimeoutException e) {
            chunks.cancel();
            return Attempt.failed(UpstreamFailure.of(Kind.TIMEOUT, "no response within " + limit(firstByteDeadline - start)));
        } catch (IOException e) {
            return Attempt.failed(UpstreamFailure.of(Kind.CONNECT_ERROR, e instanceof ConnectException ? "connection refused" : "connection failed"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunks.cancel();
            return Attempt.failed(UpstreamFailure.of(Kind.CONNECT_ERROR, "interrupted"));
        }
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            return Attempt.failed(statusFailure(response, readError(chunks, deadline), module));
        }
        if (sink == null) {
            return readAnswer(chunks, start, deadline);
        }
        return forward(response, chunks, sink, start, firstByteDeadline, deadline);
    }

    private Attempt readAnswer(BodyChunks chunks, long start, long deadline) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            for (byte[] chunk = chunks.next(deadline); chunk != null; chunk = chunks.next(deadline)) {
                answer.write(chunk);
                if (answer.size() > maxResponseBytes) {
                    chunks.cancel();
                    return Attempt.failed(UpstreamFailure.of(Kind.INVALID_RESPONSE, "answer larger than " + maxResponseBytes + " bytes"));
                }
            }
        } catch (TimeoutException e) {
            chunks.cancel();
            return Attempt.failed(UpstreamFailure.of(Kind.TIMEOUT, "answer not complete within " + limit(deadline - start)));
        } catch (IOException e) {
            return Attempt.failed(UpstreamFailure.of(Kind.CONNECT_ERROR, "connection lost while reading the answer"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunks.cancel();
            return Attempt.failed(UpstreamFailure.of(Kind.CONNECT_ERROR, "interrupted"));
        }
        JsonNode body;
        try {
            body = json.readTree(answer.toByteArray());
        } catch (IOException e) {
            return Attempt.failed(UpstreamFailure.of(Kind.INVALID_RESPONSE, "the answer is not JSON"));
        }
        if (body == null || !body.isObject()) {
            return Attempt.failed(UpstreamFailure.of(Kind.INVALID_RESPONSE, "the answer is not a JSON object"));
        }
        return new Attempt(null, body, Usage.of(body), -1);
    }

    private Attempt forward(HttpResponse<BodyChunks> response, BodyChunks chunks, StreamSink sink, long start,
                            long firstByteDeadline, long deadline) {
        SseEvents events = new SseEvents(json);
        Map<String, String> headers = Map.of("Content-Type",
                response.headers().firstValue("Content-Type").orElse("text/event-stream"));
        boolean received = false;
        boolean committed = false;
        try {
            byte[] chunk;
            // the first-byte limit holds until the body's first byte, the whole-call limit after it
            while ((chunk = chunks.next(received ? deadline : firstByteDeadline)) != null) {
                received |= chunk.length > 0;
                byte[] ready = events.accept(chunk);
                if (ready.length > 0) {
                    committed = send(sink, headers, ready, committed);
                }
                if (events.pendingBytes() > maxResponseBytes) {
                    chunks.cancel();
                    return Attempt.failed(UpstreamFailure.of(Kind.INVALID_RESPONSE, "an event larger than " + maxResponseBytes + " bytes")
                            .committed(committed));
                }
            }
            byte[] rest = events.remainder();
            if (rest.length > 0) {
                committed = send(sink, headers, rest, committed);
            }
        } catch (TimeoutException e) {
            chunks.cancel();
            String detail = received ? "stream not complete within " + limit(deadline - start)
                    : "no first byte within " + limit(firstByteDeadline - start);
            return Attempt.failed(UpstreamFailure.of(Kind.TIMEOUT, detail).committed(committed));
        } catch (IOException e) {
            return Attempt.failed(committed ? UpstreamFailure.of(Kind.STREAM_CUT, "connection lost mid-stream").committed(true)
                    : UpstreamFailure.of(Kind.CONNECT_ERROR, "connection lost before the stream started"));
        } catch (ClientGone e) {
            chunks.cancel();
            return Attempt.failed(UpstreamFailure.of(Kind.CLIENT_GONE, "the client went away").committed(true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunks.cancel();
            return Attempt.failed(UpstreamFailure.of(Kind.CONNECT_ERROR, "interrupted").committed(committed));
        }
        if (!committed) {
            return Attempt.failed(UpstreamFailure.of(Kind.INVALID_RESPONSE, "an empty stream"));
        }
        long firstToken = events.firstDataNanos() < 0 ? -1 : events.firstDataNanos() - start;
        return new Attempt(null, null, events.usage(), firstToken);
    }

    /** Hands bytes to the sink, sending the headers first when nothing was sent yet; true from then on. */
    private static boolean send(StreamSink sink, Map<String, String> headers, byte[] bytes, boolean committed) throws ClientGone {
        try {
            if (!committed) {
                sink.headers(200, headers);
            }
            sink.write(bytes);
            return true;
        } catch (RuntimeException e) {
            throw new ClientGone(e);
        }
    }

    private byte[] readError(BodyChunks chunks, long deadline) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (byte[] chunk = chunks.next(deadline); chunk != null && body.size() < ERROR_BODY_LIMIT; chunk = chunks.next(deadline)) {
                body.write(chunk);
            }
        } catch (IOException | TimeoutException e) {
            // the status says enough
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        chunks.cancel();
        return body.toByteArray();
    }

    private UpstreamFailure statusFailure(HttpResponse<?> response, byte[] body, InferenceModule module) {
        int status = response.statusCode();
        String detail = "HTTP " + status;
        if (status == 401 || status == 403) {
            return new UpstreamFailure(Kind.AUTH_ERROR, detail, null, null, status, false);
        }
        Duration retryAfter = delays.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null));
        if (status == 429) {
            return new UpstreamFailure(Kind.RATE_LIMITED, detail, retryAfter, null, status, false);
        }
        if (status >= 500) {
            return new UpstreamFailure(Kind.SERVER_ERROR, detail, retryAfter, null, status, false);
        }
        if (status >= 400) {
            return new UpstreamFailure(Kind.CLIENT_ERROR, detail, null, scrubbed(body, module.apiKey()), status, false);
        }
        return new UpstreamFailure(Kind.INVALID_RESPONSE, detail, null, null, status, false);
    }

    /** A client error's body as JSON with the module's key taken out (some upstreams quote the key they refused), or null. */
    private JsonNode scrubbed(byte[] body, String apiKey) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (apiKey != null && apiKey.length() >= 4) {
            text = text.replace(apiKey, "[redacted]");
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * One client per connect timeout. Its callbacks run on its own selector thread: the only one
     * they reach is {@link BodyChunks}, which never blocks, and the default pool costs thread
     * hand-offs per response. TLS handshake work runs there too, once per pooled connection.
     */
    private HttpClient client(Duration connectTimeout) {
        return clients.computeIfAbsent(connectTimeout, timeout -> HttpClient.newBuilder()
                .executor(Runnable::run)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    private static String limit(long nanos) {
        return Duration.ofNanos(nanos).toMillis() + " ms";
    }
}
