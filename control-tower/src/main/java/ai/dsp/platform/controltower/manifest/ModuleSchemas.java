package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The JSON Schemas (draft 2020-12) of a manifest, loaded once from
 * {@code classpath:controltower/schemas/}: {@code manifest.schema.json} for the top level and the
 * module envelope, which applies {@code <module_type>.schema.json} to each module's {@code config}.
 * Findings are JSON pointers into the whole manifest ({@code /modules/3/config/max_tokens}).
 * Type, enum and required violations are errors; a field no schema declares is a warning, never an
 * error: the manifest keeps it as written (the seed dropped it silently).
 */
public final class ModuleSchemas {

    /** The schemas' $id prefix: a name, never fetched (the registry maps it to the classpath). */
    private static final String BASE_IRI = "https://dsp-ai-platform.example/schemas/controltower/";
    private static final String RESOURCES = "controltower/schemas/";
    static final String UNKNOWN_FIELD = "unknown field, kept as written";
    /** What the value types of manifest.schema.json#/$defs accept, for messages. */
    private static final Map<String, String> VALUE_TYPES = Map.of(
            "integer", "an integer (or a ${...} placeholder)",
            "integerOrNull", "an integer or null (or a ${...} placeholder)",
            "number", "a number (or a ${...} placeholder)",
            "numberOrNull", "a number or null (or a ${...} placeholder)",
            "boolean", "true or false (or a ${...} placeholder)");

    private final Schema manifestSchema;
    private final JsonNode manifestDocument;
    private final Map<String, JsonNode> configSchemas;

    public ModuleSchemas() {
        ObjectMapper json = new ObjectMapper();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaIdResolvers(resolvers -> resolvers.mapPrefix(BASE_IRI, "classpath:" + RESOURCES))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build()));
        this.manifestDocument = read(json, "manifest.schema.json");
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (String type : ManifestChecks.MODULE_TYPES) {
            schemas.put(type, read(json, type + ".schema.json"));
        }
        this.configSchemas = Map.copyOf(schemas);
        this.manifestSchema = registry.getSchema(SchemaLocation.of(BASE_IRI + "manifest.schema.json"));
        // resolve every $ref now: a broken schema fails at start-up, not at the first write
        manifestSchema.initializeValidators();
    }

    private static JsonNode read(ObjectMapper json, String name) {
        try (InputStream in = ModuleSchemas.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("schema " + RESOURCES + name + " is missing from the classpath");
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + RESOURCES + name, e);
        }
    }

    /** The schema findings of a whole manifest: the envelope and every config of a known module type. */
    public ManifestChecks.Report validate(JsonNode manifest) {
        List<ManifestChecks.Finding> errors = new ArrayList<>();
        List<ManifestChecks.Finding> warnings = new ArrayList<>();
        for (Error error : manifestSchema.validate(manifest)) {
            // the schemas close every declared object with additionalProperties: false, so this is exactly "not declared"
            if ("additionalProperties".equals(error.getKeyword())) {
                warnings.add(new ManifestChecks.Finding(child(error.getInstanceLocation().toString(), error.getProperty()), UNKNOWN_FIELD));
            } else {
                errors.add(new ManifestChecks.Finding(path(error), message(error)));
            }
        }
        return new ManifestChecks.Report(errors.stream().distinct().toList(), warnings.stream().distinct().toList());
    }

    /** The config schema of a module type as written (for {@link ModuleTypes}); unknown types have none. */
    JsonNode configSchema(String moduleType) {
        JsonNode schema = configSchemas.get(moduleType);
        if (schema == null) {
            throw new IllegalArgumentException("no schema for module type '" + moduleType + "'");
        }
        return schema;
    }

    /** A {@code $ref} of the config schemas into {@code manifest.schema.json#/$defs}, followed; null for other refs. */
    JsonNode sharedDefinition(String ref) {
        String prefix = "manifest.schema.json#";
        return ref.startsWith(prefix) ? manifestDocument.at(ref.substring(prefix.length())) : null;
    }

    private static String path(Error error) {
        String at = error.getInstanceLocation().toString();
        return "required".equals(error.getKeyword()) ? child(at, error.getProperty()) : at;
    }

    private static String child(String pointer, String property) {
        return pointer + "/" + property.replace("~", "~0").replace("/", "~1");
    }

    /** Short and about the value's kind, never the value itself (it may be a secret written in the wrong field). */
    private static String message(Error error) {
        String valueType = valueType(error);
        switch (error.getKeyword()) {
            case "required":
                return "'" + error.getProperty() + "' is required";
            case "type":
                return "must be " + (valueType != null ? valueType : expectedTypes(error.getSchemaNode())) + ", not " + kind(error.getInstanceNode());
            case "pattern":
                return valueType != null ? "must be " + valueType + ", not a string" : "does not match the pattern " + error.getSchemaNode().asText();
            case "enum":
                // null (an optional field left empty) is allowed but not worth telling
                return "must be one of " + StreamSupport.stream(error.getSchemaNode().spliterator(), false)
                        .filter(value -> !value.isNull()).map(JsonNode::toString).collect(Collectors.joining(", "));
            default:
                return error.getMessage();
        }
    }

    /** The shared value type ({@code $defs/integer}...) the failing keyword belongs to, in words; null for any other schema. */
    private static String valueType(Error error) {
        String location = error.getSchemaLocation().toString();
        String marker = "manifest.schema.json#/$defs/";
        int at = location.indexOf(marker);
        if (at < 0) {
            return null;
        }
        String rest = location.substring(at + marker.length());
        int slash = rest.indexOf('/');
        return VALUE_TYPES.get(slash < 0 ? rest : rest.substring(0, slash));
    }

    private static String expectedTypes(JsonNode type) {
        if (type == null) {
            return "another type";
        }
        if (type.isArray()) {
            return StreamSupport.stream(type.spliterator(), false).map(JsonNode::asText).collect(Collectors.joining(" or "));
        }
        return type.asText();
    }

    private static String kind(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return "a string";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        return value.isIntegralNumber() ? "an integer" : "a number";
    }
}
