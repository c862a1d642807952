package ai.dsp.platform.app.frontdoor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a Front Door call does, the module types that serve it, and the action the project's
 * policy is asked about.
 */
public enum Operation {
    QUERY("query", "query", "rag_config", "rag_service"),
    RETRIEVE("query", "retrieve", "rag_config", "rag_service"),
    LIST_DOCUMENTS("read", "documents", "rag_config"),
    GET_DOCUMENT("read", "documents/{id}", "rag_config"),
    UPLOAD_DOCUMENTS("ingest", "documents", "rag_config"),
    DELETE_DOCUMENT("delete", "documents/{id}", "rag_config"),
    CHAT("infer", "v1/chat/completions", "inference_endpoint", "rag_config"),
    EMBEDDINGS("embed", "embeddings", "rag_config", "model_server"),
    RERANK("infer", "rerank", "model_server"),
    CLASSIFY("infer", "classify", "model_server"),
    TOKEN("token", "token", "jwt_config");

    /** Every module type some operation serves; any other type has no handler (501). */
    static final Set<String> SERVED_TYPES = Set.of("rag_config", "rag_service", "inference_endpoint", "model_server", "jwt_config");

    private final String action;
    private final String path;
    private final List<String> types;

    Operation(String action, String path, String... types) {
        this.action = action;
        this.path = path;
        this.types = List.of(types);
    }

    /** The policy's action. */
    public String action() {
        return action;
    }

    public boolean servedBy(String moduleType) {
        return types.contains(moduleType);
    }

    /** The paths a module of {@code type} answers, for the error that names them. */
    static List<String> pathsOf(String type) {
        return Arrays.stream(values()).filter(operation -> operation.servedBy(type)).map(operation -> "/" + operation.path)
                .distinct().toList();
    }

    /** The name a route uses: {@code query}, {@code upload_documents}, ... */
    public static Operation of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
