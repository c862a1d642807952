package ai.dsp.platform.app.health;

import ai.dsp.platform.app.routes.RouteFiles;
import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.controltower.store.FileManifestStore;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.graph.KnowledgeGraph;
import ai.dsp.platform.store.ChunkStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: can the store serve, is the drop folder being watched; for a signed-in
 * caller also how much is indexed per collection and which manifest files cannot be served.
 */
@Component("healthReport")
public class HealthReport {

    static final String INBOX_ROUTE = "ingest-inbox";

    private final ChunkStore store;
    private final CollectionCatalog collections;
    private final CamelContext camel;
    private final ManifestStore manifests;
    private final RouteFiles routeFiles;
    private final KnowledgeGraph graph;
    private final ObjectMapper json;

    public HealthReport(ChunkStore store, CollectionCatalog collections, CamelContext camel, ManifestStore manifests, RouteFiles routeFiles,
                        KnowledgeGraph graph, ObjectMapper json) {
        this.store = store;
        this.collections = collections;
        this.camel = camel;
        this.manifests = manifests;
        this.routeFiles = routeFiles;
        this.graph = graph;
        this.json = json;
    }

    public String report(Exchange exchange) throws com.fasterxml.jackson.core.JsonProcessingException {
        boolean storeUp = store.healthy();
        ServiceStatus inbox = camel.getRouteController().getRouteStatus(INBOX_ROUTE);
        boolean inboxUp = inbox == ServiceStatus.Started;
        Map<String, Long> chunks = new LinkedHashMap<>();
        collections.names().forEach(name -> chunks.put(name, store.countChunks(name)));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", storeUp && inboxUp ? "UP" : "DOWN");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, storeUp && inboxUp ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (Caller.of(exchange).isEmpty()) {
            // public liveness: collection names and sizes are for callers who signed in
            return json.writeValueAsString(body);
        }
        body.put("store", Map.of("status", storeUp ? "UP" : "DOWN", "chunks", chunks));
        body.put("ingestion", Map.of("status", inboxUp ? "UP" : "DOWN",
                "inboxRoute", inbox == null ? "absent" : inbox.name(),
                "inflight", camel.getInflightRepository().size()));
        // a manifest file that cannot be served leaves its last valid version serving: reported, not DOWN
        Map<String, String> problems = manifests instanceof FileManifestStore files ? files.problems() : Map.of();
        body.put("manifests", Map.of("status", problems.isEmpty() ? "UP" : "DEGRADED", "problems", problems));
        // a refused route file change leaves the previous routes serving: reported, not DOWN
        Map<String, String> refused = new LinkedHashMap<>();
        routeFiles.refusals().forEach((file, refusal) -> refused.put(file, refusal.report().summary()));
        body.put("routes", Map.of("status", refused.isEmpty() ? "UP" : "DEGRADED", "refused", refused));
        // Neo4j away pauses the graph collections' ingestion, not the platform: reported, not DOWN
        body.put("graph", Map.of("status", graph == KnowledgeGraph.OFF ? "OFF" : graph.healthy() ? "UP" : "DEGRADED"));
        return json.writeValueAsString(body);
    }
}
