package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.EmbeddingSpace;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.indices.GetAliasResponse;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Index administration of the chunk store: one index per collection and embedding model,
 * {@code <prefix>-chunks-<collection>.<model>-<dims>}, reached through the alias
 * {@code <prefix>-chunks-<collection>}; created from one index template (BM25 terms, keyword and
 * numeric metadata, ACL keywords) plus the vector field sized for the model.
 */
final class ChunkIndexes {

    private static final String MODEL = "model";
    private static final String DIMENSIONS = "dimensions";

    private final ElasticsearchClient client;
    private final ElasticsearchProperties properties;
    private final ObjectMapper json = JsonMapper.builder().build();

    ChunkIndexes(ElasticsearchClient client, ElasticsearchProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    String alias(String collection) {
        return properties.indexPrefix() + "-chunks-" + collection;
    }

    String indexName(String collection, EmbeddingSpace space) {
        return alias(collection) + "." + space.slug();
    }

    /** Installs (or updates) the index template every chunk index is created from. */
    void installTemplate() {
        Map<String, Object> template = Map.of(
                "index_patterns", List.of(properties.indexPrefix() + "-chunks-*"),
                "priority", 200,
                "template", Map.of(
                        "settings", Map.of(
                                "number_of_shards", 1,
                                "number_of_replicas", properties.replicas(),
                                "refresh_interval", properties.refreshInterval().toMillis() + "ms"),
                        "mappings", commonMappings()),
                "_meta", Map.of("description", "DSP AI Platform chunk index"));
        ElasticsearchFailures.call(() -> client.indices().putIndexTemplate(t -> t
                .name(properties.indexPrefix() + "-chunks")
                .withJson(new StringReader(toJson(template)))));
    }

    /**
     * The index the alias points to, if the collection has one. An alias briefly pointing to two
     * indexes cannot happen: swaps remove and add in one atomic request.
     */
    Optional<String> current(String collection) {
        return aliases(alias(collection)).flatMap(response -> response.result().keySet().stream().findFirst());
    }

    /** The embedding space recorded in the index's mapping metadata. */
    Optional<EmbeddingSpace> spaceOf(String index) {
        Map<String, JsonData> meta = ElasticsearchFailures.call(() -> client.indices().getMapping(m -> m.index(index)))
                .result().get(index).mappings().meta();
        if (meta == null || !meta.containsKey(MODEL) || !meta.containsKey(DIMENSIONS)) {
            return Optional.empty();
        }
        return Optional.of(new EmbeddingSpace(meta.get(MODEL).to(String.class), meta.get(DIMENSIONS).to(Integer.class)));
    }

    /** Creates the index for {@code space}, optionally behind the collection's alias; an existing one is kept. */
    void create(String collection, EmbeddingSpace space, boolean withAlias) {
        String index = indexName(collection, space);
        Map<String, Object> body = Map.of(
                "mappings", Map.of(
                        "_meta", Map.of(MODEL, space.model(), DIMENSIONS, space.dimensions()),
                        "properties", Map.of(ChunkSources.VECTOR, Map.of(
                                "type", "dense_vector",
                                "dims", space.dimensions(),
                                "index", true,
                                "similarity", "cosine",
                                "index_options", Map.of("type", "hnsw")))),
                "aliases", withAlias ? Map.of(alias(collection), Map.of()) : Map.of());
        try {
            client.indices().create(c -> c.index(index).withJson(new StringReader(toJson(body))));
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw ElasticsearchFailures.translate(e);
            }
        } catch (IOException e) {
            throw ElasticsearchFailures.translate(e);
        }
    }

    /** Points the alias from {@code from} to {@code to} in one atomic step. */
    void swap(String collection, String from, String to) {
        String alias = alias(collection);
        ElasticsearchFailures.call(() -> client.indices().updateAliases(u -> u
                .actions(a -> a.remove(r -> r.index(from).alias(alias)))
                .actions(a -> a.add(r -> r.index(to).alias(alias)))));
    }

    void delete(String index) {
        ElasticsearchFailures.call(() -> client.indices().delete(d -> d.index(index).ignoreUnavailable(true)));
    }

    /** Collections that have an alias, sorted. */
    List<String> collections() {
        String prefix = alias("");
        TreeSet<String> names = new TreeSet<>();
        aliases(prefix + "*").ifPresent(response -> response.result().values().forEach(aliases -> aliases.aliases().keySet().stream()
                .filter(name -> name.startsWith(prefix))
                .map(name -> name.substring(prefix.length()))
                .forEach(names::add)));
        return List.copyOf(names);
    }

    /** The indexes behind the alias names matching {@code pattern}; empty when there is none. */
    private Optional<GetAliasResponse> aliases(String pattern) {
        try {
            return Optional.of(client.indices().getAlias(a -> a.name(pattern)));
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw ElasticsearchFailures.translate(e);
        } catch (IOException e) {
            throw ElasticsearchFailures.translate(e);
        }
    }

    private Map<String, Object> commonMappings() {
        return Map.of(
                // ISO dates in metadata stay strings, compared as the embedded store compares them
                "date_detection", false,
                "dynamic", false,
                "dynamic_templates", List.of(
                        Map.of("meta_keywords", Map.of("path_match", "meta.*", "match_mapping_type", "string",
                                "mapping", Map.of("type", "keyword"))),
                        Map.of("meta_longs", Map.of("path_match", "metanum.*", "match_mapping_type", "long",
                                "mapping", Map.of("type", "double"))),
                        Map.of("meta_doubles", Map.of("path_match", "metanum.*", "match_mapping_type", "double",
                                "mapping", Map.of("type", "double")))),
                "properties", Map.of(
                        ChunkSources.ID, Map.of("type", "keyword"),
                        ChunkSources.DOCUMENT_ID, Map.of("type", "keyword"),
                        ChunkSources.ORDINAL, Map.of("type", "integer"),
                        // analysed before indexing (EnglishTerms); the text itself is only kept in _source
                        ChunkSources.TERMS, Map.of("type", "text", "analyzer", "whitespace"),
                        ChunkSources.FILENAME, Map.of("type", "keyword"),
                        "metadata", Map.of("type", "object", "enabled", false),
                        "meta", Map.of("type", "object", "dynamic", true, "properties", Map.of(
                                "allowed_groups", Map.of("type", "keyword"),
                                "allowed_users", Map.of("type", "keyword"))),
                        "metanum", Map.of("type", "object", "dynamic", true)));
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
