package ai.dsp.platform.document.elasticsearch;

import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.document.RecordJson;
import ai.dsp.platform.store.MetadataFilter;
import ai.dsp.platform.store.elasticsearch.AccessClauses;
import ai.dsp.platform.store.elasticsearch.ElasticsearchFailures;
import ai.dsp.platform.store.elasticsearch.ElasticsearchProperties;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.util.NamedValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The production {@link DocumentRegistry}: one Elasticsearch index ({@code <prefix>-documents})
 * shared by every instance, so any replica answers for a document another one ingested. The
 * record is kept whole (not indexed); its id, collection and status are keywords for lookup,
 * filtering and ordering. A save but a progress marker ({@code processing}) waits for the
 * refresh ({@code dsp.elasticsearch.refresh-interval}, as for chunks), so it is listed when it
 * returns; a lookup by id is real-time anyway. Thread-safe.
 */
public final class ElasticsearchDocumentRegistry implements DocumentRegistry {

    private static final String ID = "id";
    private static final String COLLECTION = "collection";
    private static final String STATUS = "status";
    private static final String RECORD = "record";
    /** Pages deeper than Elasticsearch's default window of 10,000 stay reachable by offset. */
    private static final int MAX_RESULT_WINDOW = 1_000_000;
    private static final int MAX_COLLECTIONS = 10_000;
    private static final TypeReference<Map<String, Object>> SOURCE = new TypeReference<>() {
    };

    private final ElasticsearchClient client;
    private final String index;
    private volatile boolean closed;

    public ElasticsearchDocumentRegistry(ElasticsearchClient client, ElasticsearchProperties properties) {
        this.client = Objects.requireNonNull(client, "client");
        this.index = properties.indexPrefix() + "-documents";
        createIndex(properties);
    }

    @Override
    public void save(DocumentRecord record) {
        Objects.requireNonNull(record.id(), "id");
        Objects.requireNonNull(record.collection(), "collection");
        Objects.requireNonNull(record.status(), "status");
        ensureOpen();
        Map<String, Object> source = Map.of(
                ID, record.id(),
                COLLECTION, record.collection(),
                STATUS, record.status().wire(),
                MetadataFilter.Access.ALLOWED_USERS, MetadataFilter.Access.values(record.metadata().get(MetadataFilter.Access.ALLOWED_USERS)),
                MetadataFilter.Access.ALLOWED_GROUPS, MetadataFilter.Access.values(record.metadata().get(MetadataFilter.Access.ALLOWED_GROUPS)),
                RECORD, RecordJson.MAPPER.convertValue(record, SOURCE));
        Refresh refresh = record.status() == DocumentStatus.PROCESSING ? Refresh.False : Refresh.WaitFor;
        ElasticsearchFailures.call(() -> client.index(i -> i.index(index).id(record.id()).document(source).refresh(refresh)));
    }

    @Override
    public Optional<DocumentRecord> find(String id) {
        Objects.requireNonNull(id, "id");
        ensureOpen();
        GetResponse<ObjectNode> found = ElasticsearchFailures.call(() -> client.get(g -> g.index(index).id(id), ObjectNode.class));
        return found.found() ? Optional.of(read(found.source())) : Optional.empty();
    }

    @Override
    public Page list(String collection, DocumentStatus status, MetadataFilter.Access access, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        if ((long) offset + limit > MAX_RESULT_WINDOW) {
            throw new IllegalArgumentException("offset + limit must not exceed " + MAX_RESULT_WINDOW);
        }
        ensureOpen();
        Query query = matching(collection, status, access);
        SearchResponse<ObjectNode> page = ElasticsearchFailures.call(() -> client.search(s -> s
                .index(index).query(query).from(offset).size(limit)
                .sort(o -> o.field(f -> f.field(ID).order(SortOrder.Asc)))
                .trackTotalHits(t -> t.enabled(true)), ObjectNode.class));
        List<DocumentRecord> items = new ArrayList<>(page.hits().hits().size());
        page.hits().hits().forEach(hit -> items.add(read(hit.source())));
        long total = page.hits().total() == null ? items.size() : page.hits().total().value();
        return new Page(items, total, offset, limit);
    }

    @Override
    public List<String> collections() {
        ensureOpen();
        Query live = Query.of(q -> q.bool(b -> b.mustNot(m -> m.term(t -> t.field(STATUS).value(DocumentStatus.DELETED.wire())))));
        SearchResponse<Void> response = ElasticsearchFailures.call(() -> client.search(s -> s
                .index(index).size(0).query(live)
                .aggregations(COLLECTION, a -> a.terms(t -> t.field(COLLECTION).size(MAX_COLLECTIONS)
                        .order(NamedValue.of("_key", SortOrder.Asc)))), Void.class));
        return response.aggregations().get(COLLECTION).sterms().buckets().array().stream()
                .map(bucket -> bucket.key().stringValue()).toList();
    }

    /** The client belongs to the application; closing only refuses further use. */
    @Override
    public void close() {
        closed = true;
    }

    private void createIndex(ElasticsearchProperties properties) {
        if (ElasticsearchFailures.call(() -> client.indices().exists(e -> e.index(index))).value()) {
            return;
        }
        String body = """
                {"settings": {"number_of_shards": 1, "number_of_replicas": %d, "max_result_window": %d,
                              "refresh_interval": "%dms"},
                 "mappings": {"dynamic": false, "properties": {
                   "%s": {"type": "keyword"}, "%s": {"type": "keyword"}, "%s": {"type": "keyword"},
                   "%s": {"type": "keyword"}, "%s": {"type": "keyword"},
                   "%s": {"type": "object", "enabled": false}}}}
                """.formatted(properties.replicas(), MAX_RESULT_WINDOW, properties.refreshInterval().toMillis(),
                ID, COLLECTION, STATUS, MetadataFilter.Access.ALLOWED_USERS, MetadataFilter.Access.ALLOWED_GROUPS, RECORD);
        try {
            client.indices().create(c -> c.index(index).withJson(new StringReader(body)));
        } catch (ElasticsearchException e) {
            // another instance created it first
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw ElasticsearchFailures.translate(e);
            }
        } catch (IOException e) {
            throw ElasticsearchFailures.translate(e);
        }
    }

    private static Query matching(String collection, DocumentStatus status, MetadataFilter.Access access) {
        BoolQuery.Builder query = new BoolQuery.Builder();
        if (access != null) {
            query.filter(AccessClauses.of(access, MetadataFilter.Access.ALLOWED_USERS, MetadataFilter.Access.ALLOWED_GROUPS));
        }
        if (collection != null) {
            query.filter(f -> f.term(t -> t.field(COLLECTION).value(collection)));
        }
        if (status != null) {
            query.filter(f -> f.term(t -> t.field(STATUS).value(status.wire())));
        }
        return Query.of(q -> q.bool(query.build()));
    }

    private static DocumentRecord read(ObjectNode source) {
        JsonNode record = source.get(RECORD);
        try {
            return RecordJson.MAPPER.treeToValue(record, DocumentRecord.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable document record " + source.path(ID).asText(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the document registry is closed");
        }
    }
}
