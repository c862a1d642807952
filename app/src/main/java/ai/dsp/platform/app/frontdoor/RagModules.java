package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.app.http.UploadReader;
import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.ingest.DocumentService;
import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.notify.DocumentEvent;
import ai.dsp.platform.retrieve.RetrievalMode;
import ai.dsp.platform.retrieve.RetrieveRequest;
import ai.dsp.platform.store.MetadataFilter;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Locale;

/**
 * A {@code rag_config} module is a collection: {@code config.collection}, else
 * {@code {project}.{module}} in lower case, with the module's {@code retrieval_k} as the default
 * {@code k}, and {@code retrieval_strategy: graph_traversal} making {@code hybrid+graph} its
 * default mode. Every call through the module is held to its collection; a document of another
 * collection is not found through it.
 */
@Component("ragModules")
public class RagModules {

    private static final String GRAPH_TRAVERSAL = "graph_traversal";

    private final CollectionCatalog collections;
    private final DocumentService documents;
    private final UploadReader uploads;

    public RagModules(CollectionCatalog collections, DocumentService documents, UploadReader uploads) {
        this.collections = collections;
        this.documents = documents;
        this.uploads = uploads;
    }

    /** {@code GET .../documents}: a page of the module's documents the caller may see. */
    public DocumentRegistry.Page list(ProjectModule module, String status, Integer offset, Integer limit, List<MetadataFilter> scope) {
        return documents.list(collection(module), status, offset, limit, scope);
    }

    /** {@code GET .../documents/{id}}. */
    public DocumentRecord get(ProjectModule module, String id, List<MetadataFilter> scope) {
        return inModule(module, documents.get(id, scope));
    }

    /** {@code DELETE .../documents/{id}}: only a document of the module's collection the caller may see. */
    public DocumentEvent delete(ProjectModule module, String id, List<MetadataFilter> scope, String requestId) {
        inModule(module, documents.get(id, scope));
        return documents.delete(id, requestId);
    }

    /** {@code POST .../documents}: the upload's files, into the module's collection whatever the form names. */
    public List<IngestJob> upload(ProjectModule module, Exchange exchange) {
        return uploads.readInto(exchange, collection(module));
    }

    /** The module's collection, which exists from the first call on (an empty module answers nothing, not 404). */
    public String collection(ProjectModule module) {
        String name = collectionName(module.project(), module.name(), module.config());
        try {
            collections.declare(name);
        } catch (BadRequestException e) {
            throw new BadRequestException("module " + module.name() + " cannot be a collection named '" + name + "': set config.collection");
        }
        return name;
    }

    /** A rag_config module's collection: its {@code config.collection}, else {@code {project}.{module}} in lower case. */
    public static String collectionName(String project, String module, JsonNode config) {
        String configured = config.path("collection").asText("");
        return configured.isBlank() ? (project + "." + module).toLowerCase(Locale.ROOT) : configured;
    }

    /** The request held to the module's collection, with its {@code retrieval_k} when the request names no {@code k}. */
    public RetrieveRequest scoped(ProjectModule module, RetrieveRequest request) {
        if (request == null) {
            throw new BadRequestException("the body is {query, k?, mode?, filter?, min_score?, max_hops?}");
        }
        String collection = collection(module);
        if (request.collection() != null && !request.collection().equals(collection)) {
            throw new BadRequestException("module " + module.name() + " serves the collection " + collection + ", not " + request.collection());
        }
        Integer k = request.k() != null ? request.k() : module.config().hasNonNull("retrieval_k") ? module.config().get("retrieval_k").asInt() : null;
        RetrievalMode mode = request.mode() != null ? request.mode() : graphTraversal(module.config()) ? RetrievalMode.HYBRID_GRAPH : null;
        return new RetrieveRequest(request.query(), collection, k, mode, request.filter(), request.minScore(), request.stream(),
                request.maxHops(), request.useReranking(), request.filterAfterReranking());
    }

    /** {@code retrieval_strategy: graph_traversal}, beside the vector store type or in the seed's {@code vector_store} section. */
    private static boolean graphTraversal(JsonNode config) {
        return GRAPH_TRAVERSAL.equals(config.path("retrieval_strategy").asText(config.path("vector_store").path("retrieval_strategy").asText()));
    }

    /** A document found through the module: 404 when it belongs to another collection. */
    private DocumentRecord inModule(ProjectModule module, DocumentRecord document) {
        if (!document.collection().equals(collection(module))) {
            throw new NotFoundException("document " + document.id() + " is not in module " + module.name());
        }
        return document;
    }
}
