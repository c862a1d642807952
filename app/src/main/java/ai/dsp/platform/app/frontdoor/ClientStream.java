package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.app.frontdoor.inference.StreamSink;
import ai.dsp.platform.app.http.EventStream;
import org.apache.camel.Exchange;

import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Where an inference module's stream goes: an upstream that streams is passed through to the
 * client event by event ({@link EventStream}, flushed as each arrives); an upstream that
 * answers with an error before any event becomes an ordinary response with that status and
 * OpenAI-style body.
 */
final class ClientStream implements StreamSink {

    private final Exchange exchange;
    private final EventStream events;
    private final ByteArrayOutputStream refusal = new ByteArrayOutputStream();
    private boolean streaming;

    ClientStream(Exchange exchange, EventStream events) {
        this.exchange = exchange;
        this.events = events;
    }

    @Override
    public void headers(int status, Map<String, String> headers) {
        streaming = status == 200;
        if (!streaming) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            headers.forEach((name, value) -> {
                if ("Retry-After".equalsIgnoreCase(name)) {
                    exchange.getMessage().setHeader("Retry-After", value);
                }
            });
        }
    }

    @Override
    public void write(byte[] chunk) {
        if (streaming) {
            events.sendRaw(chunk);
        } else {
            refusal.writeBytes(chunk);
        }
    }

    @Override
    public void end() {
        if (streaming) {
            events.close();
        } else {
            exchange.getMessage().setBody(refusal.toByteArray());
        }
    }
}
