package ai.dsp.platform.app.audit;

import ai.dsp.platform.app.http.ClientAddress;
import ai.dsp.platform.app.http.HttpEntry;
import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.auth.audit.AuditLog;
import ai.dsp.platform.retrieve.QueryResponse;
import ai.dsp.platform.retrieve.RetrieveResponse;
import ai.dsp.platform.retrieve.RetrievedChunk;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One audit record per API call, written to the hash-chained audit file and, with Kafka on, to
 * {@code dsp.audit.v1} (routes/audit.camel.yaml): time, request id, principal and API-key id, client address,
 * method, path (never the query string), status, latency, and for retrieve and query the
 * documents and chunks returned. Never a token, password or key. Calls the security filters
 * refuse are recorded by {@link #refused}; liveness and metrics scrapes are not API calls.
 */
@Component("auditTrail")
public class AuditTrail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    /** Routes polled by machines every few seconds: not calls anyone needs to answer for. */
    private static final Set<String> UNAUDITED_ROUTES = Set.of("metrics", "health");
    static final String KAFKA_ROUTE = "direct:audit-kafka";
    private static final String RESULTS = "DspAuditResults";

    private final AuditLog log;
    private final ProducerTemplate camel;
    private final boolean kafka;
    private final Clock clock = Clock.systemUTC();

    public AuditTrail(@Value("${dsp.audit.file}") Path file, @Value("${dsp.kafka.enabled:false}") boolean kafka, ProducerTemplate camel) {
        this.log = new AuditLog(file);
        this.kafka = kafka;
        this.camel = camel;
    }

    /** Called first on every HTTP exchange: its record is written when the exchange completes. */
    public void watch(Exchange exchange) {
        HttpServletRequest request = ClientAddress.request(exchange).orElse(null);
        if (request == null || UNAUDITED_ROUTES.contains(exchange.getFromRouteId())) {
            return;
        }
        String method = request.getMethod();
        String path = request.getRequestURI();
        String client = request.getRemoteAddr();
        long started = System.nanoTime();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                Map<String, Object> record = base(HttpEntry.requestId(done), Caller.of(done).map(Caller::subject).orElse(null),
                        client, method, path, status(done), (System.nanoTime() - started) / 1_000_000);
                record.put("keyId", Caller.of(done).flatMap(Caller::apiKeyId).orElse(null));
                Map<?, ?> results = done.getProperty(RESULTS, Map.class);
                if (results != null) {
                    results.forEach((key, value) -> record.put(key.toString(), value));
                }
                write(record);
            }
        });
    }

    /** A call the security filters answered 401 or 403 before any route ran. */
    public void refused(HttpServletRequest request, int status, String requestId, String principal) {
        write(base(requestId, principal, request.getRemoteAddr(), request.getMethod(), request.getRequestURI(), status, 0));
    }

    private Map<String, Object> base(String requestId, String principal, String client, String method, String path, int status,
                                     long latencyMs) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("time", clock.instant().toString());
        record.put("requestId", requestId);
        record.put("principal", principal);
        // the API key the call came with, if any (X-API-Key, or a token issued for a key)
        record.put("keyId", null);
        record.put("client", client);
        record.put("method", method);
        record.put("path", path);
        record.put("status", status);
        record.put("latencyMs", latencyMs);
        return record;
    }

    /**
     * A step of the retrieve and query routes, right after the answer is made: notes the
     * documents and chunks it returns for the call's record (the REST binding turns the answer
     * into JSON before the exchange completes).
     */
    public void results(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof RetrieveResponse retrieved) {
            note(exchange, retrieved.results().stream().map(RetrievedChunk::documentId).toList(),
                    retrieved.results().stream().map(RetrievedChunk::chunkId).toList());
        } else if (body instanceof QueryResponse answered) {
            sources(exchange, answered.sources());
        }
    }

    /** Notes the sources an answer was given (a streamed one: its {@code sources} event) for the call's record. */
    public void sources(Exchange exchange, List<QueryResponse.QuerySource> sources) {
        note(exchange, sources.stream().map(QueryResponse.QuerySource::document_id).toList(),
                sources.stream().map(QueryResponse.QuerySource::chunk_id).toList());
    }

    private static void note(Exchange exchange, List<String> documents, List<String> chunks) {
        annotate(exchange, "documents", documents.stream().distinct().toList());
        annotate(exchange, "chunks", chunks);
    }

    /**
     * Adds {@code key: value} to the call's record (the Front Door notes the module, the module
     * that answered, an ensemble's members). Values are written as JSON; never pass a secret.
     */
    public static void annotate(Exchange exchange, String key, Object value) {
        // a new map each time: an exchange's copies (a split's parts) share the old one
        Map<Object, Object> results = new LinkedHashMap<>();
        Map<?, ?> known = exchange.getProperty(RESULTS, Map.class);
        if (known != null) {
            results.putAll(known);
        }
        results.put(key, value);
        exchange.setProperty(RESULTS, results);
    }

    private static int status(Exchange exchange) {
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (code != null) {
            return code;
        }
        return exchange.isFailed() ? 500 : 200;
    }

    private void write(Map<String, Object> record) {
        try {
            String line = log.append(record);
            if (kafka) {
                camel.asyncSendBody(KAFKA_ROUTE, line);
            }
        } catch (RuntimeException e) {
            // the call itself has been answered; a lost audit record is logged loudly, not thrown at it
            LOG.error("audit record of request {} not written: {}", record.get("requestId"), e.getMessage());
        }
    }

    @Override
    public void close() {
        log.close();
    }
}
