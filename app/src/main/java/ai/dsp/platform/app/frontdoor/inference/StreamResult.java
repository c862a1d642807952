package ai.dsp.platform.app.frontdoor.inference;

/**
 * What became of a streamed chat completion, for the caller's audit record (the client has
 * already received everything through the {@link StreamSink}).
 *
 * @param status   the status the sink was given
 * @param servedBy the name of the module whose upstream streamed; null when none did
 * @param complete true when the stream reached its end without error (false: it was cut, timed out,
 *                 the client went away, or no stream started)
 */
public record StreamResult(int status, String servedBy, boolean complete) {
}
