package ai.dsp.platform.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Answers a platform-http call with Server-Sent Events, each written and flushed to the client
 * the moment it is sent, as the servlet response of the call allows: platform-http's own binding
 * would buffer a streamed body (it copies an {@code InputStream} without flushing, and caches it
 * whole to learn its length), so an event stream bypasses it.
 * <p>
 * Nothing reaches the client before the first {@link #send}: until then the call can still fail
 * with an ordinary JSON error (a bad request, an unavailable index). The first event commits the
 * response: status 200, {@code text/event-stream}, {@code Cache-Control: no-cache}, the call's
 * {@code X-Request-Id}, and the headers Spring Security adds to every response. From then on the
 * call cannot fail any more; what goes wrong is an event of the stream.
 * <p>
 * {@link #close} ends the response and empties the exchange's body, so the HTTP binding has
 * nothing left to write when the route ends; a route step after the one streaming must not set
 * a body again. A client that went away shows as {@link ClientGoneException} from {@code send}:
 * stop producing then. Safe to send from several threads (an upstream's callbacks).
 */
public final class EventStream implements AutoCloseable {

    public static final String MEDIA_TYPE = "text/event-stream";
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private final Exchange exchange;
    private final HttpServletResponse response;
    private final ObjectMapper json;
    private ServletOutputStream out;
    private boolean closed;

    private EventStream(Exchange exchange, HttpServletResponse response, ObjectMapper json) {
        this.exchange = exchange;
        this.response = response;
        this.json = json;
    }

    /**
     * An event stream to the client of {@code exchange}, which must be a platform-http call;
     * nothing is written yet.
     *
     * @param json writes each event's data
     * @throws IllegalStateException when the exchange did not come from platform-http
     */
    public static EventStream open(Exchange exchange, ObjectMapper json) {
        HttpServletResponse response = exchange.getMessage() instanceof PlatformHttpMessage message ? message.getResponse() : null;
        if (response == null) {
            throw new IllegalStateException("an event stream needs a platform-http exchange");
        }
        return new EventStream(exchange, response, json);
    }

    /**
     * Writes one event and flushes it to the client. {@code data} is written as JSON, except a
     * {@link CharSequence}, which is written as it is (one {@code data:} line per line of it; for
     * passing on an upstream's events). {@code event} null writes no {@code event:} line (the
     * client's default, {@code message}).
     *
     * @throws ClientGoneException when the client has gone away or the stream is closed
     */
    public synchronized void send(String event, Object data) {
        if (event != null && (event.isBlank() || LINE_BREAK.matcher(event).find())) {
            throw new IllegalArgumentException("an event name is one non-blank line, not '" + event + "'");
        }
        StringBuilder frame = new StringBuilder();
        if (event != null) {
            frame.append("event: ").append(event).append('\n');
        }
        for (String line : LINE_BREAK.split(text(data), -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        frame.append('\n');
        write(frame.toString());
    }

    /**
     * Writes bytes that already are Server-Sent Events (an upstream's, passed on as they come)
     * and flushes them.
     *
     * @throws ClientGoneException when the client has gone away or the stream is closed
     */
    public synchronized void sendRaw(byte[] events) {
        write(new String(events, StandardCharsets.UTF_8));
    }

    /** Whether an event has been sent, that is, whether the response is committed to being a stream. */
    public synchronized boolean started() {
        return out != null;
    }

    /**
     * Ends the stream: the client sees the end of the response at once, and the exchange's body
     * is emptied so that the HTTP binding writes nothing more. Does nothing the second time.
     */
    @Override
    public synchronized void close() {
        if (out == null) {
            // nothing was sent: the call answers as any other
            closed = true;
            return;
        }
        exchange.getMessage().setBody(null);
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException | RuntimeException gone) {
            // the client went away first: nothing is left to end
        }
    }

    private String text(Object data) {
        if (data instanceof CharSequence text) {
            return text.toString();
        }
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data that cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private void write(String frame) {
        if (closed) {
            throw new ClientGoneException("the event stream is closed", null);
        }
        try {
            if (out == null) {
                out = start();
            }
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // IOException: the connection is gone; a runtime exception: the container has already
            // ended the call (its async timeout, or an error it saw on the connection)
            closed = true;
            throw new ClientGoneException("the client of the event stream went away", e);
        }
    }

    private ServletOutputStream start() throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        // proxies that buffer responses (nginx) pass this one on as it comes
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader(HttpEntry.REQUEST_ID, HttpEntry.requestId(exchange));
        // for the audit record: the call succeeded, whatever the stream says later
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, HttpServletResponse.SC_OK);
        return response.getOutputStream();
    }

    /** The client of an event stream is gone (or the stream was closed): stop producing its events. */
    public static final class ClientGoneException extends RuntimeException {

        ClientGoneException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
