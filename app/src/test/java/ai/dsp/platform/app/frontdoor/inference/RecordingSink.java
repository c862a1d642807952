package ai.dsp.platform.app.frontdoor.inference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A client side of a stream that keeps what it was given, and can act on the first chunk. */
final class RecordingSink implements StreamSink {

    volatile int status;
    volatile Map<String, String> headers;
    volatile boolean ended;
    final List<String> chunks = new CopyOnWriteArrayList<>();
    private final Consumer<String> onFirstChunk;
    private int headerCalls;

    RecordingSink() {
        this(chunk -> { });
    }

    RecordingSink(Consumer<String> onFirstChunk) {
        this.onFirstChunk = onFirstChunk;
    }

    @Override
    public synchronized void headers(int status, Map<String, String> headers) {
        if (ended || headerCalls++ > 0) {
            throw new AssertionError("headers sent twice or after the end");
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public void write(byte[] chunk) {
        if (headers == null || ended) {
            throw new AssertionError("a chunk before the headers or after the end");
        }
        String text = new String(chunk, StandardCharsets.UTF_8);
        chunks.add(text);
        if (chunks.size() == 1) {
            onFirstChunk.accept(text);
        }
    }

    @Override
    public void end() {
        if (ended) {
            throw new AssertionError("ended twice");
        }
        ended = true;
    }

    String body() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.forEach(chunk -> all.writeBytes(chunk.getBytes(StandardCharsets.UTF_8)));
        return all.toString(StandardCharsets.UTF_8);
    }

    String lastChunk() {
        return chunks.get(chunks.size() - 1);
    }
}
