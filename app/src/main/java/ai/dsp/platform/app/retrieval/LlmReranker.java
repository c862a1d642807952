package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.inference.ChatResult;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.app.frontdoor.inference.InferenceModule;
import ai.dsp.platform.retrieve.Reranker;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An LLM ranking the candidates listwise (as RankGPT does): one chat completion sees the query and
 * every passage, numbered, and answers their numbers best first, held to a JSON schema. A passage
 * at position p of n scores (n - p) / n (the first 1.0); a passage it leaves out scores 0, which
 * the score threshold then drops. Passages are cut to {@link #MAX_PASSAGE_CHARS} so that a
 * ranking of the top N fits a small model's context.
 */
final class LlmReranker implements Reranker {

    static final int MAX_PASSAGE_CHARS = 1200;
    private static final String PROMPT = "Rank the numbered passages by how well each answers the query, most relevant first."
            + " Answer with JSON only: {\"ranking\": [passage numbers]}, each number once; leave out passages that do not help at all.";

    private final InferenceClient client;
    private final InferenceModule module;
    private final ObjectMapper json;

    LlmReranker(InferenceClient client, InferenceModule module, ObjectMapper json) {
        this.client = client;
        this.module = module;
        this.json = json;
    }

    @Override
    public List<Double> scores(String query, List<String> texts) {
        ChatResult result = client.complete(module, request(query, texts), name -> Optional.empty());
        if (!result.ok()) {
            throw new IllegalStateException("the ranking model " + module.name() + " answered " + result.status());
        }
        JsonNode ranking;
        try {
            ranking = json.readTree(result.body().at("/choices/0/message/content").asText("")).path("ranking");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the ranking model " + module.name() + " did not answer the ranking's JSON");
        }
        if (!ranking.isArray()) {
            throw new IllegalStateException("the ranking model " + module.name() + " answered no ranking");
        }
        List<Double> scores = new ArrayList<>(Collections.nCopies(texts.size(), 0.0));
        int position = 0;
        for (JsonNode number : ranking) {
            int index = number.asInt(0) - 1;
            // a number out of range or said twice is ignored, not trusted
            if (index >= 0 && index < texts.size() && scores.get(index) == 0.0) {
                scores.set(index, (double) (texts.size() - position) / texts.size());
                position++;
            }
        }
        return scores;
    }

    @Override
    public String name() {
        return "LLM " + module.name();
    }

    private ObjectNode request(String query, List<String> texts) {
        StringBuilder passages = new StringBuilder("Query: ").append(query).append("\n\n");
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i) == null ? "" : texts.get(i);
            passages.append('[').append(i + 1).append("] ")
                    .append(text.length() > MAX_PASSAGE_CHARS ? text.substring(0, MAX_PASSAGE_CHARS) : text).append("\n\n");
        }
        ObjectNode request = json.createObjectNode();
        request.put("model", module.modelName());
        request.put("temperature", 0);
        var messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", PROMPT);
        messages.addObject().put("role", "user").put("content", passages.toString());
        ObjectNode schema = json.createObjectNode().put("type", "object").put("additionalProperties", false);
        schema.putArray("required").add("ranking");
        schema.putObject("properties").putObject("ranking").put("type", "array").putObject("items").put("type", "integer");
        ObjectNode format = request.putObject("response_format").put("type", "json_schema");
        format.putObject("json_schema").put("name", "ranking").put("strict", true).set("schema", schema);
        return request;
    }
}
