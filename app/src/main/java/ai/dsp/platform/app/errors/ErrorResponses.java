package ai.dsp.platform.app.errors;

import ai.dsp.platform.app.http.HttpEntry;
import ai.dsp.platform.auth.InvalidTokenException;
import ai.dsp.platform.controltower.manifest.InvalidManifestException;
import ai.dsp.platform.controltower.manifest.UnresolvedPlaceholdersException;
import ai.dsp.platform.controltower.store.Precondition;
import ai.dsp.platform.controltower.store.VersionConflictException;
import ai.dsp.platform.auth.TooManyAttemptsException;
import ai.dsp.platform.ingest.DocumentService;
import ai.dsp.platform.ingest.InboxFiles;
import ai.dsp.platform.ingest.IngestJob;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * What the error policy does once an exception is final: an ingestion job is marked failed (and
 * its drop-folder file gets its reason), an HTTP call gets a status and {@code {error, message, requestId}}.
 */
@Component("errorResponses")
public class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private final DocumentService documents;
    private final InboxFiles inboxFiles;
    private final ObjectMapper json;

    public ErrorResponses(DocumentService documents, InboxFiles inboxFiles, ObjectMapper json) {
        this.documents = documents;
        this.inboxFiles = inboxFiles;
        this.json = json;
    }

    public void badRequest(Exchange exchange) {
        respond(exchange, 400, "bad_request", clientMessage(caught(exchange)));
    }

    /** The store cannot serve right now: 503, and the caller may retry. */
    public void unavailable(Exchange exchange) {
        LOG.warn("store unavailable for request {}: {}", HttpEntry.requestId(exchange), caught(exchange).getMessage());
        respond(exchange, 503, "unavailable", "the index is unavailable right now; retry shortly");
    }

    /** A claim source of an API key did not answer and the key says to refuse then: 503, retry later. */
    public void claimUnavailable(Exchange exchange) {
        respond(exchange, 503, "unavailable", caught(exchange).getMessage());
        exchange.getMessage().setHeader("Retry-After", 5);
    }

    /** Wrong credentials or a refused token: 401, saying no more than the reason's one word. */
    public void unauthorized(Exchange exchange) {
        Throwable cause = caught(exchange);
        String message = cause instanceof InvalidTokenException invalid ? "the token was refused (" + invalid.reason() + ")" : cause.getMessage();
        respond(exchange, 401, "unauthorized", message);
        exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
    }

    /** 429 with the seconds until the next attempt is let in. */
    public void tooManyAttempts(Exchange exchange) {
        TooManyAttemptsException cause = (TooManyAttemptsException) caught(exchange);
        respond(exchange, 429, "too_many_requests", cause.getMessage());
        exchange.getMessage().setHeader("Retry-After", Math.max(1, (cause.retryAfter().toMillis() + 999) / 1000));
    }

    /** A module type the Front Door has no handler for. */
    public void notImplemented(Exchange exchange) {
        respond(exchange, 501, "not_implemented", caught(exchange).getMessage());
    }

    /** A module's upstream failed; the message names the failure, never the upstream's key or body. */
    public void upstreamFailed(Exchange exchange) {
        respond(exchange, 502, "bad_gateway", caught(exchange).getMessage());
    }

    public void forbidden(Exchange exchange) {
        respond(exchange, 403, "forbidden", caught(exchange).getMessage());
    }

    public void notFound(Exchange exchange) {
        respond(exchange, 404, "not_found", caught(exchange).getMessage());
    }

    /** The thing to create exists already: 409, as the seed answered. */
    public void conflict(Exchange exchange) {
        respond(exchange, 409, "conflict", caught(exchange).getMessage());
    }

    /** A document that cannot be ingested: recorded as failed, never retried. */
    public void rejected(Exchange exchange) {
        Throwable cause = caught(exchange);
        LOG.warn("document rejected: {}", cause.getMessage());
        failIngestion(exchange, cause.getMessage());
    }

    /** Anything else, after the bounded redeliveries: fail the job or answer 500, and log the cause. */
    public void unexpected(Exchange exchange) {
        Throwable cause = caught(exchange);
        LOG.error("route {} failed for request {}", exchange.getFromRouteId(), HttpEntry.requestId(exchange), cause);
        if (!failIngestion(exchange, "internal error: " + cause.getClass().getSimpleName())) {
            respond(exchange, 500, "internal_error", "the request could not be processed; quote requestId when reporting it");
        }
    }

    /**
     * A handled exception ends the exchange in the route that handled it, so the drop folder's
     * own settle step never runs: the reason file is written here.
     */
    private boolean failIngestion(Exchange exchange, String reason) {
        boolean ingestion = false;
        if (exchange.getMessage().getBody() instanceof IngestJob job) {
            documents.failed(job, reason);
            ingestion = true;
        }
        if (exchange.getMessage().getHeader(InboxFiles.TARGET_HEADER) != null) {
            inboxFiles.recordFailure(exchange, reason);
            ingestion = true;
        }
        return ingestion;
    }

    /** A manifest body that does not parse, is too large or too deep, or does not validate: every finding, by path. */
    public void invalidManifest(Exchange exchange) {
        InvalidManifestException cause = (InvalidManifestException) caught(exchange);
        String error = cause.kind() == InvalidManifestException.Kind.TOO_LARGE ? "payload_too_large" : "invalid_manifest";
        respond(exchange, cause.status(), error, cause.getMessage(), cause.findings(), null);
    }

    /** A resolved read whose placeholders do not all resolve: 422 listing each, by path (never a value). */
    public void unresolved(Exchange exchange) {
        UnresolvedPlaceholdersException cause = (UnresolvedPlaceholdersException) caught(exchange);
        respond(exchange, 422, "unresolved_placeholders", cause.getMessage(), cause.unresolved(), null);
    }

    /**
     * A write whose precondition did not hold: 404 when there is no manifest, 409 when a create
     * finds one, 412 when If-Match names another version than the current one.
     */
    public void versionConflict(Exchange exchange) {
        VersionConflictException cause = (VersionConflictException) caught(exchange);
        if (cause.current() == 0) {
            respond(exchange, 404, "not_found", cause.getMessage());
        } else if (cause.precondition().kind() == Precondition.Kind.ABSENT) {
            respond(exchange, 409, "conflict", cause.getMessage(), null, cause.current());
        } else {
            respond(exchange, 412, "precondition_failed", cause.getMessage(), null, cause.current());
        }
    }

    private void respond(Exchange exchange, int status, String error, String message) {
        respond(exchange, status, error, message, null, null);
    }

    private void respond(Exchange exchange, int status, String error, String message, List<?> errors, Integer currentVersion) {
        // written here, not by the REST binding: some operations (uploads) run without binding
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().removeHeader("ETag");
        try {
            exchange.getMessage().setBody(json.writeValueAsString(
                    new ErrorBody(error, message, HttpEntry.requestId(exchange), errors, currentVersion)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body of three strings always serialises", e);
        }
    }

    /** Jackson's messages carry parser internals; a client needs only where the JSON is wrong. */
    private static String clientMessage(Throwable cause) {
        if (cause instanceof JsonProcessingException jpe) {
            return "malformed JSON: " + jpe.getOriginalMessage();
        }
        return cause.getMessage();
    }

    private static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause == null ? new IllegalStateException("unknown error") : cause;
    }
}
