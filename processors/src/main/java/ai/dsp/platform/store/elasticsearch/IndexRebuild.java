package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.Chunk;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.EmbeddingSpaces;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Blue-green rebuild of one collection for a new embedding model: every chunk of the live index
 * is re-embedded into a fresh index, then the alias moves in one atomic step and the old index
 * goes. Chunks written meanwhile go straight to the new index; the copy skips documents written
 * or deleted since the rebuild began, and uses {@code create}, so a newer chunk is never
 * overwritten by an old one (409 counts as done).
 */
final class IndexRebuild {

    private static final Logger LOG = LoggerFactory.getLogger(IndexRebuild.class);
    private static final int PAGE = 256;

    private final ElasticsearchClient client;
    private final ChunkIndexes indexes;
    private final ChunkSources sources;
    private final EmbeddingSpaces spaces;

    IndexRebuild(ElasticsearchClient client, ChunkIndexes indexes, ChunkSources sources,
                 EmbeddingSpaces spaces) {
        this.client = client;
        this.indexes = indexes;
        this.sources = sources;
        this.spaces = spaces;
    }

    /**
     * Copies {@code from} into {@code to} with vectors in {@code space}, then swaps the alias;
     * the caller drops {@code from} once its searches no longer name it.
     * {@code changed} tells the documents rewritten meanwhile, whose old chunks must not be copied.
     */
    void run(String collection, String from, String to, EmbeddingSpace space, Predicate<String> changed) {
        long started = System.nanoTime();
        long copied = 0;
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> cursor = after;
            SearchResponse<ObjectNode> page = ElasticsearchFailures.call(() -> client.search(s -> {
                s.index(from).size(PAGE).sort(o -> o.field(f -> f.field(ChunkSources.ID).order(SortOrder.Asc)))
                        .source(c -> c.filter(f -> f.excludes(ChunkSources.NOT_RETURNED)));
                return cursor == null ? s : s.searchAfter(cursor);
            }, ObjectNode.class));
            List<Hit<ObjectNode>> hits = page.hits().hits();
            if (hits.isEmpty()) {
                break;
            }
            copied += copy(hits, to, space, changed);
            after = hits.get(hits.size() - 1).sort();
        }
        // the copies were written without waiting for a refresh: all must be searchable at the swap
        ElasticsearchFailures.call(() -> client.indices().refresh(r -> r.index(to)));
        indexes.swap(collection, from, to);
        LOG.info("collection '{}' rebuilt into {}: {} chunks re-embedded in {} ms", collection, to, copied,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Re-embeds and writes one page; returns how many chunks it copied. */
    private int copy(List<Hit<ObjectNode>> hits, String to, EmbeddingSpace space, Predicate<String> changed) {
        List<Chunk> chunks = hits.stream().map(hit -> sources.fromSource(hit.source()))
                .filter(chunk -> !changed.test(chunk.documentId())).toList();
        if (chunks.isEmpty()) {
            return 0;
        }
        List<float[]> vectors = spaces.embed(space, chunks.stream().map(Chunk::text).toList());
        BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.False);
        int operations = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i).withVector(vectors.get(i));
            if (changed.test(chunk.documentId())) {
                continue; // rewritten while this page was embedded
            }
            Map<String, Object> source = sources.toSource(chunk);
            bulk.operations(op -> op.create(c -> c.index(to).id(chunk.id()).document(source)));
            operations++;
        }
        if (operations == 0) {
            return 0;
        }
        List<BulkResponseItem> failed = new ArrayList<>();
        for (BulkResponseItem item : ElasticsearchFailures.call(() -> client.bulk(bulk.build())).items()) {
            if (item.error() != null && item.status() != 409) {
                failed.add(item);
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("rebuild into " + to + " failed for " + failed.size() + " chunks, first: "
                    + failed.get(0).error().reason());
        }
        return operations;
    }
}
