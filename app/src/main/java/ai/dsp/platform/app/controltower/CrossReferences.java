package ai.dsp.platform.app.controltower;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /manifests/{id}/cross-references}: the seed's {@code module_capabilities} (what each
 * module type provides) with what the seed dropped: each module's {@code dependencies} and the
 * modules that depend on it.
 */
@Component
public class CrossReferences {

    private static final Map<String, List<String>> PROVIDES = Map.ofEntries(
            Map.entry("jwt_config", List.of("authentication", "authorization", "token_validation")),
            Map.entry("rag_config", List.of("document_retrieval", "vector_search", "question_answering")),
            Map.entry("rag_service", List.of("document_retrieval", "question_answering")),
            Map.entry("model_server", List.of("embeddings", "reranking", "classification")),
            Map.entry("api_gateway", List.of("routing", "rate_limiting", "load_balancing")),
            Map.entry("inference_endpoint", List.of("text_generation", "chat_completion")),
            Map.entry("security", List.of("encryption", "access_control", "audit_logging")),
            Map.entry("monitoring", List.of("metrics", "logging", "tracing", "alerting")),
            Map.entry("model_registry", List.of("model_versioning", "model_storage")),
            Map.entry("data_pipeline", List.of("data_ingestion", "data_processing")),
            Map.entry("deployment", List.of("deployment", "scaling", "rollback")),
            Map.entry("resource_management", List.of("resource_allocation", "auto_scaling")),
            Map.entry("notifications", List.of("notifications", "alerts")),
            Map.entry("backup_recovery", List.of("backup", "disaster_recovery")),
            Map.entry("vault", List.of("secret_management")),
            Map.entry("langgraph_workflow", List.of("workflow_orchestration")));

    private final ObjectMapper json;

    public CrossReferences(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode of(String projectId, JsonNode manifest) {
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        int dependencies = 0;
        for (JsonNode module : manifest.path("modules")) {
            ObjectNode row = json.createObjectNode();
            String type = module.path("module_type").asText();
            row.set("provides", json.valueToTree(PROVIDES.getOrDefault(type, List.of())));
            row.put("module_type", type);
            row.set("depends_on", module.path("dependencies").isArray() ? module.get("dependencies").deepCopy() : json.createArrayNode());
            row.putArray("referenced_by");
            dependencies += row.get("depends_on").size();
            byName.put(module.path("name").asText(), row);
        }
        byName.forEach((name, row) -> row.get("depends_on").forEach(target -> {
            ObjectNode dependency = byName.get(target.asText());
            if (dependency != null) {
                dependency.withArray("referenced_by").add(name);
            }
        }));
        ObjectNode answer = json.createObjectNode();
        answer.put("project_id", projectId);
        ObjectNode capabilities = answer.putObject("module_capabilities");
        byName.forEach(capabilities::set);
        ObjectNode summary = answer.putObject("summary");
        summary.put("total_modules", byName.size());
        summary.put("total_dependencies", dependencies);
        return answer;
    }
}
