package ai.dsp.platform.app.frontdoor.inference;

import java.util.Map;

/**
 * Where a streamed chat completion goes, as it arrives: the HTTP response to the client.
 * {@link InferenceClient#stream} calls {@link #headers} once, then {@link #write} any number of
 * times, then {@link #end} once. With status 200 the chunks are the upstream's SSE bytes, each
 * ending at an event boundary; a failure after the first chunk comes as a last event
 * {@code data: {"error": {...}}}. With any other status there is one chunk, an OpenAI-style JSON
 * error body. An implementation flushes every chunk to the client before returning, and throws
 * (any unchecked exception) when the client has gone away: the upstream call is then cancelled
 * and nothing more is written.
 */
public interface StreamSink {

    /** The response's status and headers ({@code Content-Type} among them). */
    void headers(int status, Map<String, String> headers);

    /** One chunk, to be flushed to the client before returning. */
    void write(byte[] chunk);

    /** The response is complete. */
    void end();
}
