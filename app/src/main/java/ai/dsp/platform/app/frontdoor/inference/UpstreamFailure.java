package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Map;

/**
 * Why one call of an upstream did not give an answer, and what follows from it: whether it is
 * repeated, whether the module's fallbacks are tried, how the circuit breaker counts it, and
 * what the client is told when nothing better comes.
 *
 * @param kind          what went wrong
 * @param detail        for logs and error messages: statuses and limits, never bodies, URLs or keys
 * @param retryAfter    the upstream's {@code Retry-After}, or null
 * @param upstreamBody  a client error's JSON body as the upstream sent it (the key scrubbed out), or null
 * @param upstreamStatus the upstream's HTTP status, 0 when none came
 * @param committed     a stream had already sent bytes to the client: nothing may be repeated
 */
record UpstreamFailure(Kind kind, String detail, Duration retryAfter, JsonNode upstreamBody, int upstreamStatus, boolean committed) {

    /** How the breaker counts a call. */
    enum Breaker { FAILURE, SUCCESS, IGNORED }

    enum Kind {
        CLIENT_ERROR("client_error", false, false, Breaker.SUCCESS),
        AUTH_ERROR("auth_error", false, true, Breaker.IGNORED),
        RATE_LIMITED("rate_limited", true, true, Breaker.FAILURE),
        SERVER_ERROR("server_error", true, true, Breaker.FAILURE),
        CONNECT_ERROR("connect_error", true, true, Breaker.FAILURE),
        TIMEOUT("timeout", true, true, Breaker.FAILURE),
        INVALID_RESPONSE("invalid_response", false, true, Breaker.FAILURE),
        STREAM_CUT("stream_cut", false, false, Breaker.FAILURE),
        BREAKER_OPEN("breaker_open", false, true, Breaker.IGNORED),
        /** The client went away mid-stream: nobody is left to answer, and the upstream did nothing wrong. */
        CLIENT_GONE("client_gone", false, false, Breaker.IGNORED);

        final String label;
        final boolean retryable;
        final boolean fallback;
        final Breaker breaker;

        Kind(String label, boolean retryable, boolean fallback, Breaker breaker) {
            this.label = label;
            this.retryable = retryable;
            this.fallback = fallback;
            this.breaker = breaker;
        }
    }

    static UpstreamFailure of(Kind kind, String detail) {
        return new UpstreamFailure(kind, detail, null, null, 0, false);
    }

    UpstreamFailure committed(boolean value) {
        return new UpstreamFailure(kind, detail, retryAfter, upstreamBody, upstreamStatus, value);
    }

    boolean mayRepeat() {
        return kind.retryable && !committed;
    }

    boolean mayFallBack() {
        return kind.fallback && !committed;
    }

    /** What the client gets when this is the last word about its request to {@code module}. */
    ChatResult toResult(String module) {
        String subject = "The inference upstream of module '" + module + "'";
        switch (kind) {
            case CLIENT_ERROR:
                JsonNode body = upstreamBody instanceof ObjectNode && upstreamBody.path("error").isObject()
                        ? upstreamBody
                        : OpenAiErrors.body(subject + " refused the request (" + detail + ")", "invalid_request_error", "upstream_client_error");
                return new ChatResult(upstreamStatus, body, Map.of(), null);
            case AUTH_ERROR:
                return error(502, subject + " refused the platform's credentials", "upstream_error", "upstream_auth_failed");
            case RATE_LIMITED:
                Map<String, String> headers = retryAfter == null ? Map.of()
                        : Map.of("Retry-After", Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
                return new ChatResult(429, OpenAiErrors.body(subject + " is rate limiting requests; retry later",
                        "rate_limit_error", "upstream_rate_limited"), headers, null);
            case SERVER_ERROR:
                return error(502, subject + " failed (" + detail + ")", "upstream_error", "upstream_server_error");
            case CONNECT_ERROR:
                return error(502, subject + " could not be reached (" + detail + ")", "upstream_error", "upstream_unreachable");
            case TIMEOUT:
                return error(504, subject + " did not answer in time (" + detail + ")", "timeout", "upstream_timeout");
            case BREAKER_OPEN:
                return error(503, subject + " is failing and is not being called for now (circuit breaker open)",
                        "service_unavailable", "circuit_open");
            default:
                return error(502, subject + " sent an answer that cannot be used (" + detail + ")", "upstream_error",
                        "invalid_upstream_response");
        }
    }

    /** The last SSE event of a stream that failed after it started. */
    ObjectNode streamError(String module) {
        String subject = "The inference upstream of module '" + module + "'";
        if (kind == Kind.TIMEOUT) {
            return OpenAiErrors.body(subject + " did not finish in time (" + detail + ")", "timeout", "upstream_timeout");
        }
        return OpenAiErrors.body(subject + " broke off the stream (" + detail + ")", "upstream_error", "upstream_stream_cut");
    }

    private static ChatResult error(int status, String message, String type, String code) {
        return new ChatResult(status, OpenAiErrors.body(message, type, code), Map.of(), null);
    }
}
