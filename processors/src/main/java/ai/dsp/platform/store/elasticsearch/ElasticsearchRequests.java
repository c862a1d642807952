package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.StoreUnavailableException;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.HitsMetadata;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

import java.util.List;

/**
 * The store's data path, through the camel-elasticsearch component: bulk writes and searches go
 * to its endpoints, so they share its client, configuration and Camel's observability. Failures
 * are translated: an unreachable or overloaded cluster is {@link StoreUnavailableException}.
 */
final class ElasticsearchRequests {

    private final ProducerTemplate camel;
    private final String bulkUri;
    private final String searchUri;

    /** @param component the name the camel-elasticsearch component is registered under */
    ElasticsearchRequests(ProducerTemplate camel, String component) {
        this.camel = camel;
        this.bulkUri = component + "://dsp?operation=Bulk";
        this.searchUri = component + "://dsp?operation=Search";
    }

    List<BulkResponseItem> bulk(BulkRequest.Builder request) {
        @SuppressWarnings("unchecked")
        List<BulkResponseItem> items = send(bulkUri, request, List.class);
        return items;
    }

    HitsMetadata<ObjectNode> search(SearchRequest.Builder request) {
        @SuppressWarnings("unchecked")
        HitsMetadata<ObjectNode> hits = send(searchUri, request, HitsMetadata.class);
        return hits;
    }

    private <T> T send(String uri, Object body, Class<T> type) {
        try {
            return camel.requestBody(uri, body, type);
        } catch (CamelExecutionException e) {
            throw ElasticsearchFailures.translate(e.getCause() == null ? e : e.getCause());
        }
    }
}
