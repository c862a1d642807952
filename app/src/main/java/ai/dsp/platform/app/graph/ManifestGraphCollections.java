package ai.dsp.platform.app.graph;

import ai.dsp.platform.app.frontdoor.RagModules;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.graph.EntityExtractor;
import ai.dsp.platform.graph.GraphCollections;
import ai.dsp.platform.graph.GraphProperties;
import ai.dsp.platform.graph.NounPhraseExtractor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The collections with the knowledge graph on: those {@code dsp.graph.collections} names, and
 * the collection of every enabled {@code rag_config} module whose {@code vector_store_type} (the
 * manifest's key) or {@code vector_store.type} (the seed RAG service's) is
 * {@code neo4j_knowledge_graph}, with its {@code max_hops} (beside the type or in
 * {@code vector_store}; 2 when neither says). Read again whenever a manifest changes, so a
 * manifest turns the graph on for ingestion and retrieval without a restart. A module whose
 * {@code kg_llm_config_name} names an {@code inference_endpoint} module of its project has its
 * chunks and questions read by that LLM with its {@code extraction_prompt}
 * ({@link LlmGraphExtractor}); without one, by the no-LLM extractor.
 */
final class ManifestGraphCollections implements GraphCollections {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestGraphCollections.class);
    static final String KNOWLEDGE_GRAPH = "neo4j_knowledge_graph";
    static final int DEFAULT_MAX_HOPS = 2;

    private final Map<String, Settings> configured;
    private final ManifestService manifests;
    private final GraphProperties properties;
    private final InferenceClient inference;
    private final NounPhraseExtractor keys;
    private final ObjectMapper json;
    private volatile Map<String, Settings> current;

    ManifestGraphCollections(GraphProperties properties, ManifestService manifests, ManifestStore store, InferenceClient inference,
                             NounPhraseExtractor keys, ObjectMapper json) {
        Map<String, Settings> fromProperties = new HashMap<>();
        // checked at start: a max_hops out of range fails the start, not a query
        properties.collections().forEach((collection, maxHops) -> fromProperties.put(collection, new Settings(maxHops)));
        this.configured = Map.copyOf(fromProperties);
        this.manifests = manifests;
        this.properties = properties;
        this.inference = inference;
        this.keys = keys;
        this.json = json;
        refresh();
        store.onChange(project -> refresh());
    }

    @Override
    public Optional<Settings> of(String collection) {
        return Optional.ofNullable(current.get(collection));
    }

    private synchronized void refresh() {
        Map<String, Settings> collections = new HashMap<>(configured);
        for (ManifestVersion version : manifests.list()) {
            JsonNode modules = version.document().path("modules");
            for (int index = 0; index < modules.size(); index++) {
                JsonNode module = modules.get(index);
                JsonNode config = module.path("config");
                JsonNode store = config.path("vector_store");
                boolean graph = KNOWLEDGE_GRAPH.equals(config.path("vector_store_type").asText()) || KNOWLEDGE_GRAPH.equals(store.path("type").asText());
                if ("rag_config".equals(module.path("module_type").asText()) && graph && !"disabled".equals(module.path("status").asText("enabled"))) {
                    String collection = RagModules.collectionName(version.projectId(), module.path("name").asText(), config);
                    collections.put(collection, settings(version, module, store, config));
                }
            }
        }
        current = Map.copyOf(collections);
    }

    private Settings settings(ManifestVersion version, JsonNode module, JsonNode store, JsonNode config) {
        String project = version.projectId();
        int maxHops = integer(config.path("max_hops"), integer(store.path("max_hops"), DEFAULT_MAX_HOPS));
        int bounded = Math.max(1, Math.min(Settings.MAX_HOPS_LIMIT, maxHops));
        if (bounded != maxHops) {
            LOG.warn("module {} of project {}: max_hops {} is outside 1..{}; {} is used", module.path("name").asText(), project, maxHops,
                    Settings.MAX_HOPS_LIMIT, bounded);
        }
        String uri = config.path("neo4j_uri").asText(store.path("neo4j_uri").asText(""));
        if (!uri.isBlank() && !uri.contains("${") && !sameServer(uri, properties.uri())) {
            LOG.warn("module {} of project {} names Neo4j {}; this platform's graph is {} (dsp.graph.uri), which it uses",
                    module.path("name").asText(), project, uri, properties.uri());
        }
        return new Settings(bounded, extractor(version, module, text(config, store, "kg_llm_config_name"), text(config, store, "extraction_prompt")));
    }

    /** The LLM extractor of the project's inference module of that name; null (the no-LLM extractor) when there is none to use. */
    private EntityExtractor extractor(ManifestVersion version, JsonNode module, String llmModule, String prompt) {
        if (llmModule.isBlank()) {
            return null;
        }
        JsonNode modules = version.document().path("modules");
        for (int index = 0; index < modules.size(); index++) {
            JsonNode candidate = modules.get(index);
            if (llmModule.equals(candidate.path("name").asText()) && "inference_endpoint".equals(candidate.path("module_type").asText())) {
                try {
                    JsonNode resolved = manifests.resolveModule(version.document(), index).path("config");
                    return new LlmGraphExtractor(inference, inference.module(version.projectId(), llmModule, resolved), prompt, keys, json);
                } catch (RuntimeException e) {
                    LOG.warn("module {} of project {}: its extraction model {} cannot be used ({}); the no-LLM extractor reads it",
                            module.path("name").asText(), version.projectId(), llmModule, e.getMessage());
                    return null;
                }
            }
        }
        LOG.warn("module {} of project {}: kg_llm_config_name {} is no inference_endpoint module of the project; the no-LLM extractor reads it",
                module.path("name").asText(), version.projectId(), llmModule);
        return null;
    }

    /** A key beside the vector store type, else in the seed's vector_store section. */
    private static String text(JsonNode config, JsonNode store, String key) {
        return config.path(key).asText(store.path(key).asText(""));
    }

    /** A number, or a numeric string (a resolved placeholder); else the fallback. */
    private static int integer(JsonNode node, int fallback) {
        if (node.isNumber()) {
            return node.intValue();
        }
        return node.isTextual() && node.asText().matches("-?\\d{1,9}") ? Integer.parseInt(node.asText()) : fallback;
    }

    /** bolt:// and neo4j:// to the same host and port are one server. */
    private static boolean sameServer(String a, String b) {
        return a.replaceFirst("^[a-z+]+://", "").equals(b.replaceFirst("^[a-z+]+://", ""));
    }
}
