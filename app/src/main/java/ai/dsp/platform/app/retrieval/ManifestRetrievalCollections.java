package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.RagModules;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.RetrievalProperties;
import ai.dsp.platform.retrieve.RetrievalSettings;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Each collection's retrieval settings: {@code dsp.retrieval.*}, over it the collection's
 * {@code dsp.retrieval.collections[<name>].*}, and over that its enabled {@code rag_config}
 * module's {@code config}: {@code keyword_weight}, {@code dense_weight}, {@code graph_weight},
 * {@code candidate_depth}, {@code rrf_k_constant} (the seed's name for the RRF constant) and
 * {@code query_expansion_enabled} with {@code query_expansion_strategy} {@code rm3} (the default).
 * Read again whenever a manifest changes. A value out of range is logged and left out, so one bad
 * field does not take the module's other settings with it.
 */
final class ManifestRetrievalCollections implements RetrievalCollections {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestRetrievalCollections.class);
    static final String RM3 = "rm3";

    private final RetrievalProperties properties;
    private final ManifestService manifests;
    private volatile Map<String, RetrievalSettings> fromModules = Map.of();

    ManifestRetrievalCollections(RetrievalProperties properties, ManifestService manifests, ManifestStore store) {
        this.properties = properties;
        this.manifests = manifests;
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

    private synchronized void refresh() {
        Map<String, RetrievalSettings> collections = new HashMap<>();
        for (ManifestVersion version : manifests.list()) {
            JsonNode modules = version.document().path("modules");
            for (JsonNode module : modules) {
                if ("rag_config".equals(module.path("module_type").asText()) && !"disabled".equals(module.path("status").asText("enabled"))) {
                    JsonNode config = module.path("config");
                    String collection = RagModules.collectionName(version.projectId(), module.path("name").asText(), config);
                    collections.put(collection, settings(version.projectId(), module.path("name").asText(), collection, config));
                }
            }
        }
        fromModules = Map.copyOf(collections);
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
        JsonNode expansion = config.path("query_expansion_enabled");
        if (expansion.isBoolean() || expansion.isTextual()) {
            boolean on = expansion.asBoolean(false) || "true".equalsIgnoreCase(expansion.asText());
            String strategy = config.path("query_expansion_strategy").asText(RM3);
            if (on && !RM3.equals(strategy)) {
                LOG.warn("module {} of project {}: query_expansion_strategy {} is not available; its keyword leg is not expanded"
                        + " (rm3 is)", module, project, strategy);
                on = false;
            }
            settings = properties.apply(settings, null, null, null, null, null, on);
        }
        return settings;
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
