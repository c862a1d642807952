package ai.dsp.platform.app.graph;

import ai.dsp.platform.app.frontdoor.inference.ChatResult;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.app.frontdoor.inference.InferenceModule;
import ai.dsp.platform.graph.EntityExtractor;
import ai.dsp.platform.graph.ExtractedGraph;
import ai.dsp.platform.graph.NounPhraseExtractor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Entities and relations by an LLM: the module {@code kg_llm_config_name} names (an
 * {@code inference_endpoint} of the same project) answers a chat completion with the module's
 * {@code extraction_prompt}, held to a JSON schema ({@code response_format: json_schema}, strict).
 * Names are keyed as the no-LLM extractor keys its phrases, so both kinds of chunk meet on the
 * same entities. An answer that is not the schema's JSON, or no answer, fails the document with
 * the reason (the error policy retries first).
 */
final class LlmGraphExtractor implements EntityExtractor {

    static final String DEFAULT_PROMPT = "Extract the entities (people, organisations, places, projects, products, concepts) the text "
            + "names and the relations the text states between them.";
    private static final String FORMAT = " Answer with JSON only: {\"entities\": [{\"name\", \"type\"}], \"relations\": "
            + "[{\"source\", \"target\", \"type\"}]}, where source and target are names from entities and type is a short verb phrase.";
    private static final double RELATION_WEIGHT = 1.0;

    private final InferenceClient client;
    private final InferenceModule module;
    private final String prompt;
    private final NounPhraseExtractor keys;
    private final ObjectMapper json;

    LlmGraphExtractor(InferenceClient client, InferenceModule module, String prompt, NounPhraseExtractor keys, ObjectMapper json) {
        this.client = client;
        this.module = module;
        this.prompt = prompt == null || prompt.isBlank() ? DEFAULT_PROMPT : prompt;
        this.keys = keys;
        this.json = json;
    }

    @Override
    public ExtractedGraph extract(String text) {
        if (text == null || text.isBlank()) {
            return ExtractedGraph.EMPTY;
        }
        ChatResult result = client.complete(module, request(text), name -> Optional.empty());
        if (!result.ok()) {
            throw new GraphExtractionException("the extraction model " + module.name() + " answered " + result.status() + ": "
                    + result.body().at("/error/message").asText(""));
        }
        String content = result.body().at("/choices/0/message/content").asText("");
        try {
            return graph(json.readTree(content));
        } catch (JsonProcessingException e) {
            throw new GraphExtractionException("the extraction model " + module.name() + " did not answer the graph's JSON", e);
        }
    }

    private ObjectNode request(String text) {
        ObjectNode request = json.createObjectNode();
        request.put("model", module.modelName());
        request.put("temperature", 0);
        var messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", prompt + FORMAT);
        messages.addObject().put("role", "user").put("content", text);
        ObjectNode format = request.putObject("response_format").put("type", "json_schema");
        format.putObject("json_schema").put("name", "knowledge_graph").put("strict", true).set("schema", schema());
        return request;
    }

    private JsonNode schema() {
        ObjectNode entity = object(List.of("name", "type"));
        ObjectNode relation = object(List.of("source", "target", "type"));
        ObjectNode root = json.createObjectNode().put("type", "object").put("additionalProperties", false);
        root.putArray("required").add("entities").add("relations");
        ObjectNode properties = root.putObject("properties");
        properties.putObject("entities").put("type", "array").set("items", entity);
        properties.putObject("relations").put("type", "array").set("items", relation);
        return root;
    }

    private ObjectNode object(List<String> stringFields) {
        ObjectNode node = json.createObjectNode().put("type", "object").put("additionalProperties", false);
        var required = node.putArray("required");
        ObjectNode properties = node.putObject("properties");
        stringFields.forEach(field -> {
            required.add(field);
            properties.putObject(field).put("type", "string");
        });
        return node;
    }

    private ExtractedGraph graph(JsonNode answer) {
        Map<String, ExtractedGraph.Entity> entities = new LinkedHashMap<>();
        for (JsonNode entity : answer.path("entities")) {
            addEntity(entities, entity.path("name").asText(""), entity.path("type").asText("concept"));
        }
        Map<String, ExtractedGraph.Relation> relations = new LinkedHashMap<>();
        for (JsonNode relation : answer.path("relations")) {
            String source = addEntity(entities, relation.path("source").asText(""), "concept");
            String target = addEntity(entities, relation.path("target").asText(""), "concept");
            String type = relation.path("type").asText("").strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "_");
            if (source != null && target != null && !source.equals(target) && !type.isEmpty()) {
                relations.merge(source + "\u0000" + target + "\u0000" + type, new ExtractedGraph.Relation(source, target, type, RELATION_WEIGHT),
                        (a, b) -> new ExtractedGraph.Relation(a.source(), a.target(), a.type(), a.weight() + b.weight()));
            }
        }
        return new ExtractedGraph(List.copyOf(entities.values()), List.copyOf(relations.values()));
    }

    /** The entity's key, the entity added once; null for a name that keys to nothing. */
    private String addEntity(Map<String, ExtractedGraph.Entity> entities, String name, String type) {
        String key = keys.key(name);
        if (key.isEmpty()) {
            return null;
        }
        entities.putIfAbsent(key, new ExtractedGraph.Entity(key, name.strip(), type.strip().toLowerCase(Locale.ROOT), 1));
        return key;
    }

    /** The LLM could not read the text into a graph: the document fails with this reason. */
    static final class GraphExtractionException extends RuntimeException {

        GraphExtractionException(String message) {
            super(message);
        }

        GraphExtractionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
