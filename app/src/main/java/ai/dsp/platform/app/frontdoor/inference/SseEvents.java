package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts an upstream's SSE bytes at event boundaries (a blank line) and watches the data lines on
 * the way: when the first one came (time to first token), whether {@code [DONE]} came, and the
 * last {@code usage} reported. Only whole events are handed on, so that when a stream breaks off
 * in the middle of one, the error event the client gets next is not glued to half an event.
 */
final class SseEvents {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private byte[] pending = new byte[8192];
    private int length;
    private int lineStart;
    private int boundary;
    private long firstDataNanos = -1;
    private boolean done;
    private Usage usage;

    SseEvents(ObjectMapper json) {
        this.json = json;
    }

    /** Takes the next bytes from the upstream and returns those that complete events (possibly none). */
    byte[] accept(byte[] chunk) {
        if (length + chunk.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + chunk.length));
        }
        int scanFrom = length;
        System.arraycopy(chunk, 0, pending, length, chunk.length);
        length += chunk.length;
        for (int i = scanFrom; i < length; i++) {
            if (pending[i] != '\n') {
                continue;
            }
            int end = i > lineStart && pending[i - 1] == '\r' ? i - 1 : i;
            if (end == lineStart) {
                boundary = i + 1;
            } else {
                line(lineStart, end);
            }
            lineStart = i + 1;
        }
        byte[] ready = Arrays.copyOf(pending, boundary);
        System.arraycopy(pending, boundary, pending, 0, length - boundary);
        length -= boundary;
        lineStart -= boundary;
        boundary = 0;
        return ready;
    }

    /** The bytes after the last complete event: handed on only when the upstream ended its response normally. */
    byte[] remainder() {
        if (lineStart < length) {
            line(lineStart, length);
            lineStart = length;
        }
        return Arrays.copyOf(pending, length);
    }

    /** Bytes held back waiting for the end of their event. */
    int pendingBytes() {
        return length;
    }

    /** When the first data line arrived ({@link System#nanoTime()}), or -1. */
    long firstDataNanos() {
        return firstDataNanos;
    }

    boolean done() {
        return done;
    }

    /** The last usage an event reported, or null. */
    Usage usage() {
        return usage;
    }

    private void line(int from, int to) {
        if (!startsWith(from, to, DATA)) {
            return;
        }
        if (firstDataNanos < 0) {
            firstDataNanos = System.nanoTime();
        }
        String data = new String(pending, from + DATA.length, to - from - DATA.length, StandardCharsets.UTF_8).strip();
        if (data.equals("[DONE]")) {
            done = true;
        } else if (contains(from, to, USAGE)) {
            try {
                Usage reported = Usage.of(json.readTree(data));
                usage = reported == null ? usage : reported;
            } catch (IOException e) {
                // not JSON: passed on as it is; the client judges it
            }
        }
    }

    private boolean startsWith(int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (pending[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (pending[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Token counts an upstream reported in a {@code usage} object. */
    record Usage(long promptTokens, long completionTokens) {

        static Usage of(JsonNode body) {
            JsonNode usage = body.path("usage");
            if (!usage.isObject()) {
                return null;
            }
            return new Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
        }
    }
}
