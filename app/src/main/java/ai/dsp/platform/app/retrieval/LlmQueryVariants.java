package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.inference.ChatResult;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.app.frontdoor.inference.InferenceModule;
import ai.dsp.platform.retrieve.QueryVariants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The seed's LLM expansion strategies: {@code fusion} asks for search queries about the query,
 * {@code multi_query} for the same question worded from other perspectives (the two differ only
 * in the prompt, as in the seed). The answer is held to a JSON schema, one chat completion per
 * query.
 */
final class LlmQueryVariants implements QueryVariants {

    enum Strategy {
        FUSION("Write %d search queries, each different, that would find documents answering the user's query."),
        MULTI_QUERY("Write %d different versions of the user's question, each from another perspective, so that a search finds"
                + " documents the question's own words would miss.");

        private final String prompt;

        Strategy(String prompt) {
            this.prompt = prompt;
        }

        static Optional<Strategy> of(String name) {
            return switch (name) {
                case "fusion" -> Optional.of(FUSION);
                case "multi_query" -> Optional.of(MULTI_QUERY);
                default -> Optional.empty();
            };
        }
    }

    private static final String FORMAT = " Answer with JSON only: {\"queries\": [strings]}.";

    private final InferenceClient client;
    private final InferenceModule module;
    private final Strategy strategy;
    private final ObjectMapper json;

    LlmQueryVariants(InferenceClient client, InferenceModule module, Strategy strategy, ObjectMapper json) {
        this.client = client;
        this.module = module;
        this.strategy = strategy;
        this.json = json;
    }

    @Override
    public List<String> variants(String query, int count) {
        ChatResult result = client.complete(module, request(query, count), name -> Optional.empty());
        if (!result.ok()) {
            throw new IllegalStateException("the expansion model " + module.name() + " answered " + result.status());
        }
        JsonNode queries;
        try {
            queries = json.readTree(result.body().at("/choices/0/message/content").asText("")).path("queries");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the expansion model " + module.name() + " did not answer the queries' JSON");
        }
        List<String> variants = new ArrayList<>();
        queries.forEach(variant -> {
            if (variant.isTextual() && variants.size() < count) {
                variants.add(variant.asText());
            }
        });
        return variants;
    }

    @Override
    public String name() {
        return strategy.name().toLowerCase(java.util.Locale.ROOT) + " by " + module.name();
    }

    private ObjectNode request(String query, int count) {
        ObjectNode request = json.createObjectNode();
        request.put("model", module.modelName());
        request.put("temperature", 0);
        var messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", strategy.prompt.formatted(count) + FORMAT);
        messages.addObject().put("role", "user").put("content", query);
        ObjectNode schema = json.createObjectNode().put("type", "object").put("additionalProperties", false);
        schema.putArray("required").add("queries");
        schema.putObject("properties").putObject("queries").put("type", "array").putObject("items").put("type", "string");
        ObjectNode format = request.putObject("response_format").put("type", "json_schema");
        format.putObject("json_schema").put("name", "queries").put("strict", true).set("schema", schema);
        return request;
    }
}
