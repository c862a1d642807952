package ai.dsp.platform.controltower.manifest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModuleTypesTest {

    private final ModuleTypes types = new ModuleTypes(SeedManifestsTest.SCHEMAS);

    private ModuleTypes.ModuleType type(String name) {
        return types.all().stream().filter(t -> t.type().equals(name)).findFirst().orElseThrow();
    }

    private static ModuleTypes.Field field(ModuleTypes.ModuleType type, String name) {
        return type.configFields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void listsExactlyTheSixteenTypesInTheSeedsOrder() {
        assertThat(types.all()).extracting(ModuleTypes.ModuleType::type).containsExactly("jwt_config", "rag_config", "rag_service",
                "model_server", "api_gateway", "inference_endpoint", "security", "monitoring", "model_registry", "data_pipeline",
                "deployment", "resource_management", "notifications", "backup_recovery", "vault", "langgraph_workflow");
        assertThat(types.all()).allSatisfy(t -> {
            assertThat(t.description()).isNotBlank();
            assertThat(t.configFields()).isNotEmpty();
        });
    }

    @Test
    void theFieldsAreTheSchemasWithTypeAndRequired() {
        ModuleTypes.ModuleType rag = type("rag_config");

        assertThat(field(rag, "vector_store_type")).isEqualTo(new ModuleTypes.Field("vector_store_type", "string", true, null));
        assertThat(field(rag, "chunk_size")).isEqualTo(new ModuleTypes.Field("chunk_size", "integer", false, null));
        assertThat(field(rag, "reranker_enabled").type()).isEqualTo("boolean");
        assertThat(field(type("inference_endpoint"), "temperature").type()).isEqualTo("number");
        assertThat(field(type("vault"), "vault_instances").type()).isEqualTo("array");
        assertThat(type("data_pipeline").configFields()).filteredOn(ModuleTypes.Field::required).extracting(ModuleTypes.Field::name)
                .containsExactly("pipeline_type", "data_sources", "data_sinks", "processing_engine");
    }

    @Test
    void anApiGatewaysFieldsSayWhichShapeTheyBelongTo() {
        ModuleTypes.ModuleType gateway = type("api_gateway");

        assertThat(field(gateway, "gateway_type").appliesWhen()).isNull();
        assertThat(field(gateway, "cors_origins").appliesWhen()).isNull();
        assertThat(field(gateway, "admin_key").appliesWhen()).isEqualTo("gateway_type == \"apisix\"");
        assertThat(field(gateway, "request_timeout").appliesWhen()).isEqualTo("gateway_type != \"apisix\"");
        assertThat(gateway.configFields()).extracting(ModuleTypes.Field::name).doesNotHaveDuplicates();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theResponseKeepsTheSeedsShapeWithAllSixteen() {
        Map<String, Object> response = types.asResponse();

        assertThat(response).containsOnlyKeys("module_types");
        List<Map<String, Object>> listed = (List<Map<String, Object>>) response.get("module_types");
        assertThat(listed).hasSize(16);
        assertThat(listed.get(0)).containsKeys("type", "description", "config_fields")
                .containsEntry("type", "jwt_config")
                .containsEntry("description", "JWT authentication and authorization configuration");
        // the three the seed's endpoint left out
        assertThat(listed).extracting(t -> t.get("type")).contains("rag_service", "model_server", "langgraph_workflow");
        List<Map<String, Object>> gatewayFields = (List<Map<String, Object>>) listed.get(4).get("config_fields");
        assertThat(gatewayFields).filteredOn(f -> f.get("name").equals("admin_key")).singleElement()
                .isEqualTo(Map.of("name", "admin_key", "type", "string", "required", false, "applies_when", "gateway_type == \"apisix\""));
        assertThat(gatewayFields).filteredOn(f -> f.get("name").equals("gateway_type")).singleElement()
                .isEqualTo(Map.of("name", "gateway_type", "type", "string", "required", false));
    }
}
