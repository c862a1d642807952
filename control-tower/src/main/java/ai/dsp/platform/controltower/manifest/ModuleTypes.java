package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The module types a manifest may use, for {@code GET /module-types}: all 16 (the seed listed
 * 13), each with its description and config fields as the schemas declare them. The answer keeps
 * the seed's shape ({@code {"module_types": [{"type", "description"}]}}) and adds
 * {@code config_fields}.
 */
public final class ModuleTypes {

    /**
     * One config field. {@code type} is its JSON type (a number or flag may also be written as a
     * placeholder); {@code appliesWhen} is null, or the condition of an {@code api_gateway} shape.
     */
    public record Field(String name, String type, boolean required, String appliesWhen) {
    }

    /** One module type. */
    public record ModuleType(String type, String description, List<Field> configFields) {
    }

    private final List<ModuleType> all;

    public ModuleTypes(ModuleSchemas schemas) {
        List<ModuleType> types = new ArrayList<>();
        for (String type : ManifestChecks.MODULE_TYPES) {
            JsonNode schema = schemas.configSchema(type);
            types.add(new ModuleType(type, schema.path("description").asText(), List.copyOf(fields(schema, schemas))));
        }
        this.all = List.copyOf(types);
    }

    /** In the order of the seed's {@code ModuleType} enum. */
    public List<ModuleType> all() {
        return all;
    }

    /** The body of {@code GET /module-types}. */
    public Map<String, Object> asResponse() {
        List<Map<String, Object>> types = new ArrayList<>();
        for (ModuleType type : all) {
            List<Map<String, Object>> fields = new ArrayList<>();
            for (Field field : type.configFields()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", field.name());
                entry.put("type", field.type());
                entry.put("required", field.required());
                if (field.appliesWhen() != null) {
                    entry.put("applies_when", field.appliesWhen());
                }
                fields.add(entry);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", type.type());
            entry.put("description", type.description());
            entry.put("config_fields", fields);
            types.add(entry);
        }
        return Map.of("module_types", types);
    }

    /** The schema's own properties, then those of its if/then/else shapes (api_gateway); a field in both shapes alike applies always. */
    private static List<Field> fields(JsonNode schema, ModuleSchemas schemas) {
        List<Field> fields = new ArrayList<>(properties(schema, null, schemas));
        JsonNode condition = schema.path("if");
        if (condition.isObject()) {
            Map.Entry<String, JsonNode> on = conditionField(condition);
            String value = on.getValue().path("const").toString();
            List<Field> then = properties(schema.path("then"), on.getKey() + " == " + value, schemas);
            List<Field> otherwise = properties(schema.path("else"), on.getKey() + " != " + value, schemas);
            for (Field field : then) {
                fields.add(in(otherwise, field) ? new Field(field.name(), field.type(), field.required(), null) : field);
            }
            for (Field field : otherwise) {
                if (!in(then, field)) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private static boolean in(List<Field> fields, Field field) {
        return fields.stream().anyMatch(f -> f.name().equals(field.name()) && f.type().equals(field.type()) && f.required() == field.required());
    }

    private static List<Field> properties(JsonNode schema, String when, ModuleSchemas schemas) {
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        List<Field> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            fields.add(new Field(property.getKey(), type(property.getValue(), schemas), required.contains(property.getKey()), when));
        }
        return fields;
    }

    /** The first JSON type that is not null; a value type of manifest.schema.json#/$defs is followed. */
    private static String type(JsonNode property, ModuleSchemas schemas) {
        JsonNode definition = property.has("$ref") ? schemas.sharedDefinition(property.path("$ref").asText()) : property;
        JsonNode type = Objects.requireNonNullElse(definition, property).path("type");
        if (type.isArray()) {
            for (JsonNode each : type) {
                if (!each.asText().equals("null")) {
                    return each.asText();
                }
            }
        }
        if (type.isTextual()) {
            return type.asText();
        }
        return "any";
    }

    /** The field of an {@code if} of the form {@code {properties: {field: {const: value}}}}, with its schema. */
    private static Map.Entry<String, JsonNode> conditionField(JsonNode condition) {
        Iterator<Map.Entry<String, JsonNode>> properties = condition.path("properties").fields();
        if (!properties.hasNext()) {
            throw new IllegalStateException("a config schema's condition is not on a field: " + condition);
        }
        return properties.next();
    }
}
