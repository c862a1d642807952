package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.ModelServers;
import ai.dsp.platform.app.frontdoor.ProjectModule;
import ai.dsp.platform.app.frontdoor.RagModules;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.embed.CollectionModels;
import ai.dsp.platform.embed.EmbeddingProperties;
import ai.dsp.platform.embed.InProcessModel;
import ai.dsp.platform.retrieve.Expansion;
import ai.dsp.platform.retrieve.QueryVariants;
import ai.dsp.platform.retrieve.Reranker;
import ai.dsp.platform.retrieve.Reranking;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.RetrievalProperties;
import ai.dsp.platform.retrieve.RetrievalSettings;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each collection's retrieval settings: {@code dsp.retrieval.*}, over it the collection's
 * {@code dsp.retrieval.collections[<name>].*}, and over that its enabled {@code rag_config}
 * module's {@code config}: {@code keyword_weight}, {@code dense_weight}, {@code graph_weight},
 * {@code candidate_depth}, {@code rrf_k_constant} (the seed's name for the RRF constant) and
 * {@code query_expansion_enabled} with {@code query_expansion_strategy} {@code rm3} (the default),
 * {@code fusion} or {@code multi_query} (an LLM writes versions of the query, {@link #expansion});
 * and its reranker: {@code reranker_module} names a {@code model_server} module of the project
 * (the seed's rerank contract) or an {@code inference_endpoint} (an LLM ranks listwise), with the
 * seed's {@code reranking} section ({@code top_n} 10, {@code score_threshold} 0.1, {@code model})
 * and {@code reranker_enabled} (rerank when a request does not say); and its embedding model,
 * {@code embedding_model} ({@link InProcessModel}'s names, over {@code dsp.embedding.collections}).
 * A model that does not run in process (the seed's {@code text-embedding-ada-002},
 * {@code all-mpnet-base-v2}) is logged and the configured one used. Read again whenever a
 * manifest changes. A value out of range, or a reranker module that cannot be used, is logged
 * and left out, so one bad field does not take the module's other settings with it.
 */
final class ManifestRetrievalCollections implements RetrievalCollections, CollectionModels {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestRetrievalCollections.class);
    static final String RM3 = "rm3";

    private final RetrievalProperties properties;
    private final ManifestService manifests;
    private final ObjectProvider<ModelServers> modelServers;
    private final InferenceClient inference;
    private final ObjectMapper json;
    private final EmbeddingProperties embedding;
    private volatile Map<String, RetrievalSettings> fromModules = Map.of();
    private volatile Map<String, InProcessModel> modelsFromModules = Map.of();

    ManifestRetrievalCollections(RetrievalProperties properties, EmbeddingProperties embedding, ManifestService manifests,
                                 ManifestStore store, ObjectProvider<ModelServers> modelServers, InferenceClient inference,
                                 ObjectMapper json) {
        this.properties = properties;
        this.embedding = embedding;
        this.manifests = manifests;
        this.modelServers = modelServers;
        this.inference = inference;
        this.json = json;
        // checked at start: a collection entry out of range fails the start, not a query
        properties.collections().keySet().forEach(properties::settingsOf);
        refresh();
        store.onChange(project -> refresh());
    }

    @Override
    public RetrievalSettings of(String collection) {
        RetrievalSettings own = fromModules.get(collection);
        return own != null ? own : properties.settingsOf(collection);
    }

    @Override
    public Optional<InProcessModel> modelOf(String collection) {
        InProcessModel own = modelsFromModules.get(collection);
        if (own != null) {
            return Optional.of(own);
        }
        return Optional.ofNullable(embedding.collections().get(collection)).map(InProcessModel::require);
    }

    private synchronized void refresh() {
        Map<String, RetrievalSettings> collections = new HashMap<>();
        Map<String, InProcessModel> models = new HashMap<>();
        for (ManifestVersion version : manifests.list()) {
            JsonNode modules = version.document().path("modules");
            for (JsonNode module : modules) {
                if ("rag_config".equals(module.path("module_type").asText()) && !"disabled".equals(module.path("status").asText("enabled"))) {
                    JsonNode config = module.path("config");
                    String collection = RagModules.collectionName(version.projectId(), module.path("name").asText(), config);
                    if (collections.containsKey(collection)) {
                        // settings are the collection's: of two modules on one collection, the first one's hold
                        LOG.warn("module {} of project {} shares collection {} with another module; that module's retrieval settings apply",
                                module.path("name").asText(), version.projectId(), collection);
                        continue;
                    }
                    String name = module.path("name").asText();
                    RetrievalSettings settings = expansion(version, name, config, settings(version.projectId(), name, collection, config));
                    collections.put(collection, settings.withReranking(reranking(version, name, config)));
                    model(version.projectId(), name, config).ifPresent(model -> models.put(collection, model));
                }
            }
        }
        fromModules = Map.copyOf(collections);
        modelsFromModules = Map.copyOf(models);
    }

    private static Optional<InProcessModel> model(String project, String module, JsonNode config) {
        String name = config.path("embedding_model").asText("");
        if (name.isBlank()) {
            return Optional.empty();
        }
        Optional<InProcessModel> model = InProcessModel.named(name);
        if (model.isEmpty()) {
            LOG.warn("module {} of project {}: embedding_model '{}' does not run in process (known: {}); the configured model is used",
                    module, project, name, Arrays.stream(InProcessModel.values()).map(InProcessModel::id).toList());
        }
        return model;
    }

    private RetrievalSettings settings(String project, String module, String collection, JsonNode config) {
        RetrievalSettings settings = properties.settingsOf(collection);
        settings = field(project, module, config, "candidate_depth", settings,
                (s, value) -> s.withCandidates((int) Math.round(value)));
        settings = field(project, module, config, "rrf_k_constant", settings, (s, value) -> s.withRrfK((int) Math.round(value)));
        settings = field(project, module, config, "keyword_weight", settings,
                (s, value) -> s.withWeights(value, s.denseWeight(), s.graphWeight()));
        settings = field(project, module, config, "dense_weight", settings,
                (s, value) -> s.withWeights(s.keywordWeight(), value, s.graphWeight()));
        settings = field(project, module, config, "graph_weight", settings,
                (s, value) -> s.withWeights(s.keywordWeight(), s.denseWeight(), value));
        return settings;
    }

    /**
     * The module's query expansion: {@code rm3} (the default strategy) on the keyword leg, or the
     * seed's LLM strategies {@code fusion} and {@code multi_query} by the inference_endpoint its
     * {@code query_expansion_llm_config} names, writing {@code query_expansion_num_queries} (3).
     */
    private RetrievalSettings expansion(ManifestVersion version, String module, JsonNode config, RetrievalSettings settings) {
        JsonNode enabled = config.path("query_expansion_enabled");
        if (!enabled.isBoolean() && !enabled.isTextual()) {
            return settings;
        }
        boolean on = enabled.asBoolean(false) || "true".equalsIgnoreCase(enabled.asText());
        String strategy = config.path("query_expansion_strategy").asText(RM3);
        if (!on || RM3.equals(strategy)) {
            return properties.apply(settings, null, null, null, null, null, on);
        }
        try {
            LlmQueryVariants.Strategy llmStrategy = LlmQueryVariants.Strategy.of(strategy).orElseThrow(() ->
                    new IllegalArgumentException("query_expansion_strategy " + strategy + " is none of rm3, fusion, multi_query"));
            String llm = config.path("query_expansion_llm_config").asText("");
            int index = moduleIndex(version, llm, "query_expansion_llm_config", "inference_endpoint");
            JsonNode resolved = manifests.resolveModule(version.document(), index).path("config");
            QueryVariants variants = new LlmQueryVariants(inference, inference.module(version.projectId(), llm, resolved), llmStrategy, json);
            return settings.withExpansion(new Expansion(variants, config.path("query_expansion_num_queries").asInt(Expansion.DEFAULT_COUNT)));
        } catch (RuntimeException e) {
            // a reference that does not resolve must not stop the other modules' settings from loading
            LOG.warn("module {} of project {}: its query expansion cannot be used ({}); its queries are not expanded", module,
                    version.projectId(), e.getMessage());
            return settings;
        }
    }

    /** The index of the project's module of that name, which must be of one of {@code types}. */
    private static int moduleIndex(ManifestVersion version, String name, String field, String... types) {
        JsonNode modules = version.document().path("modules");
        for (int index = 0; index < modules.size(); index++) {
            if (!name.isBlank() && name.equals(modules.get(index).path("name").asText())) {
                String type = modules.get(index).path("module_type").asText();
                if (!List.of(types).contains(type)) {
                    throw new IllegalArgumentException(field + " " + name + " is a " + type + " module; it must be " + String.join(" or ", types));
                }
                return index;
            }
        }
        throw new IllegalArgumentException(field + " '" + name + "' names no module of the project");
    }

    /** The module's reranking, or null when it names no reranker or one that cannot be used. */
    private Reranking reranking(ManifestVersion version, String module, JsonNode config) {
        String name = config.path("reranker_module").asText("");
        if (name.isBlank()) {
            return null;
        }
        JsonNode section = config.path("reranking");
        try {
            Reranker reranker = reranker(version, name, section.path("model").asText(null));
            return new Reranking(reranker, section.path("top_n").asInt(Reranking.DEFAULT_TOP_N),
                    section.path("score_threshold").asDouble(Reranking.DEFAULT_SCORE_THRESHOLD),
                    config.path("reranker_enabled").asBoolean(false));
        } catch (RuntimeException e) {
            LOG.warn("module {} of project {}: its reranker cannot be used ({}); its queries are not reranked", module,
                    version.projectId(), e.getMessage());
            return null;
        }
    }

    private Reranker reranker(ManifestVersion version, String name, String model) {
        int index = moduleIndex(version, name, "reranker_module", "model_server", "inference_endpoint");
        JsonNode candidate = version.document().path("modules").get(index);
        String type = candidate.path("module_type").asText();
        if ("inference_endpoint".equals(type)) {
            JsonNode resolved = manifests.resolveModule(version.document(), index).path("config");
            return new LlmReranker(inference, inference.module(version.projectId(), name, resolved), json);
        }
        if (candidate.path("config").path("jwt_auth_enabled").asBoolean(false)) {
            throw new IllegalArgumentException("model_server " + name + " wants a token for the caller, which the platform's own"
                    + " calls have not got");
        }
        return new ModelServerReranker(modelServers.getObject(),
                new ProjectModule(version.projectId(), name, type, candidate.path("status").asText("enabled"), index, version.number(),
                        version.document()),
                model != null ? model : candidate.path("config").path("default_reranker_model").asText(null));
    }

    private interface Setter {
        RetrievalSettings apply(RetrievalSettings settings, double value);
    }

    /** The setting with the module's number in place, when it has a valid one. */
    private static RetrievalSettings field(String project, String module, JsonNode config, String key, RetrievalSettings settings, Setter setter) {
        JsonNode node = config.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return settings;
        }
        try {
            if (!node.isNumber() && !(node.isTextual() && node.asText().matches("-?\\d+(\\.\\d+)?"))) {
                throw new IllegalArgumentException(key + " must be a number, was " + node);
            }
            return setter.apply(settings, node.asDouble());
        } catch (IllegalArgumentException e) {
            LOG.warn("module {} of project {}: {}; the configured value is used", module, project, e.getMessage());
            return settings;
        }
    }
}
