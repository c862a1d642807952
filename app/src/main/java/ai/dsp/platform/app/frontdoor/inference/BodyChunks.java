package ai.dsp.platform.app.frontdoor.inference;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An upstream response body handed over chunk by chunk as the HTTP client receives it, read with
 * a deadline: the reader can give up on a slow upstream without a thread of its own, and
 * {@link #cancel()} closes the connection. One chunk is requested at a time, so a slow client
 * slows the upstream down instead of filling memory.
 */
final class BodyChunks implements HttpResponse.BodySubscriber<BodyChunks> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

    @Override
    public CompletionStage<BodyChunks> getBody() {
        // complete at once: the response is handed over when its headers arrive, the body follows
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription value) {
        subscription.complete(value);
        value.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        int size = 0;
        for (ByteBuffer buffer : buffers) {
            size += buffer.remaining();
        }
        byte[] bytes = new byte[size];
        int at = 0;
        for (ByteBuffer buffer : buffers) {
            int length = buffer.remaining();
            buffer.get(bytes, at, length);
            at += length;
        }
        queue.add(bytes);
    }

    @Override
    public void onError(Throwable error) {
        queue.add(error);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /**
     * The next chunk, or null at the end of the body.
     *
     * @throws TimeoutException when nothing came before {@code deadlineNanos} ({@link System#nanoTime()})
     * @throws IOException      when the connection failed
     */
    byte[] next(long deadlineNanos) throws IOException, TimeoutException, InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        Object item = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        if (item == null) {
            throw new TimeoutException();
        }
        if (item == END) {
            queue.add(END);
            return null;
        }
        if (item instanceof Throwable error) {
            queue.add(error);
            throw error instanceof IOException io ? io : new IOException(error);
        }
        subscription.join().request(1);
        return (byte[]) item;
    }

    /** Stops the body: the client closes the connection. */
    void cancel() {
        subscription.thenAccept(Flow.Subscription::cancel);
    }
}
