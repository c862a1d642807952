package ai.dsp.platform.app.http;

import ai.dsp.platform.answer.AnswerUnavailableException;
import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.retrieve.AnswerEvents;
import ai.dsp.platform.retrieve.QueryResponse.QuerySource;
import ai.dsp.platform.retrieve.QueryService;
import ai.dsp.platform.retrieve.RetrieveRequest;
import ai.dsp.platform.store.MetadataFilter;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/query} as Server-Sent Events (routes/query-api.camel.yaml): {@code sources},
 * then {@code delta} pieces of the answer with a {@code citation} as each source is first cited,
 * then {@code done} or {@code error} (docs/ARCHITECTURE.md, "Streamed answers").
 */
@Component("queryStream")
public class QueryStream {

    private static final Logger LOG = LoggerFactory.getLogger(QueryStream.class);

    private final QueryService queries;
    private final AuditTrail audit;
    private final ObjectMapper json;

    public QueryStream(QueryService queries, AuditTrail audit, ObjectMapper json) {
        this.queries = queries;
        this.audit = audit;
        this.json = json;
    }

    /** {@code "stream"} in the body decides; without it, an {@code Accept} naming {@code text/event-stream}. */
    public boolean requested(RetrieveRequest request, String accept) {
        if (request != null && request.stream() != null) {
            return request.stream();
        }
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals(EventStream.MEDIA_TYPE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Streams the answer to the caller of {@code exchange}. Fails as {@link QueryService#query}
     * does until the first event; once the stream has begun, ends with {@code done} or
     * {@code error}, or quietly when the client has gone away, and leaves nothing for the HTTP
     * binding to write.
     */
    public void stream(RetrieveRequest request, List<MetadataFilter> scope, Exchange exchange) {
        String requestId = HttpEntry.requestId(exchange);
        try (EventStream stream = EventStream.open(exchange, json)) {
            Events events = new Events(stream, exchange, requestId);
            try {
                queries.stream(request, scope, events);
            } catch (EventStream.ClientGoneException gone) {
                LOG.debug("the client of request {} went away during its answer stream", requestId);
            } catch (RuntimeException e) {
                if (!stream.started()) {
                    throw e;
                }
                events.error(e);
            }
        }
    }

    /** The stream's events and their data, as docs/ARCHITECTURE.md describes them. */
    private final class Events implements AnswerEvents {

        private final EventStream stream;
        private final Exchange exchange;
        private final String requestId;

        Events(EventStream stream, Exchange exchange, String requestId) {
            this.stream = stream;
            this.exchange = exchange;
            this.requestId = requestId;
        }

        @Override
        public void sources(List<QuerySource> sources) {
            audit.sources(exchange, sources);
            stream.send("sources", Map.of("sources", sources));
        }

        @Override
        public void delta(String text) {
            stream.send("delta", Map.of("text", text));
        }

        @Override
        public void citation(int number, QuerySource source) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("n", number);
            data.put("source", source);
            stream.send("citation", data);
        }

        @Override
        public void done(Done done) {
            stream.send("done", done);
        }

        /** The error object of the OpenAI API, with the request id to quote; the cause stays in the log. */
        @Override
        public void error(Throwable cause) {
            String message;
            String code;
            if (cause instanceof AnswerUnavailableException) {
                LOG.warn("answer stream of request {} failed: {}", requestId, cause.getMessage());
                message = "the answer could not be completed: its language model is unavailable; quote requestId when reporting it";
                code = "answer_unavailable";
            } else {
                LOG.error("answer stream of request {} failed", requestId, cause);
                message = "the answer could not be completed; quote requestId when reporting it";
                code = "internal_error";
            }
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", message);
            error.put("type", "server_error");
            error.put("param", null);
            error.put("code", code);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("error", error);
            data.put("requestId", requestId);
            try {
                stream.send("error", data);
            } catch (EventStream.ClientGoneException gone) {
                LOG.debug("the client of request {} went away before its error event", requestId);
            }
        }
    }
}
