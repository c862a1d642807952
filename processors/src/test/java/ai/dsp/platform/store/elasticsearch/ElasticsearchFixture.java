package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.TestVectors;
import ai.dsp.platform.testing.ElasticsearchServer;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.es.ElasticsearchComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real Elasticsearch with the clients the store uses: the Java client for administration and
 * a Camel context whose camel-elasticsearch component carries the data path. Each store gets its
 * own index prefix, so tests never see each other's collections.
 */
final class ElasticsearchFixture implements AutoCloseable {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final ElasticsearchServer server;
    final RestClient restClient;
    final ElasticsearchClient client;
    private final CamelContext camel;
    final ProducerTemplate template;

    ElasticsearchFixture(ElasticsearchServer server) {
        this.server = server;
        this.restClient = RestClient.builder(HttpHost.create(server.url())).build();
        this.client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
        this.camel = new DefaultCamelContext();
        ElasticsearchComponent component = new ElasticsearchComponent();
        component.setClient(restClient);
        camel.addComponent("elasticsearch", component);
        camel.start();
        this.template = camel.createProducerTemplate();
    }

    static String newPrefix() {
        return "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet();
    }

    static ElasticsearchProperties properties(String prefix, int bulkRetries) {
        return new ElasticsearchProperties(List.of(), null, null, prefix, 0, Duration.ofMillis(100), bulkRetries,
                Duration.ofMillis(50));
    }

    ElasticsearchChunkStore store(String prefix, EmbeddingSpace space, Function<List<String>, List<float[]>> embedder) {
        return store(prefix, space, embedder, 2);
    }

    ElasticsearchChunkStore store(String prefix, EmbeddingSpace space, Function<List<String>, List<float[]>> embedder,
                                  int bulkRetries) {
        return new ElasticsearchChunkStore(client, template, "elasticsearch", properties(prefix, bulkRetries),
                TestVectors.oneSpace(space, embedder));
    }

    /** Removes every index and the template a prefix created. */
    void dropPrefix(String prefix) {
        try {
            // wildcard deletes are refused (action.destructive_requires_name), so by name
            List<String> names = List.copyOf(client.indices().get(g -> g.index(prefix + "-*")).result().keySet());
            if (!names.isEmpty()) {
                client.indices().delete(d -> d.index(names));
            }
            client.indices().deleteIndexTemplate(d -> d.name(prefix + "-chunks"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot clean up test indexes " + prefix + "-*", e);
        }
    }

    @Override
    public void close() throws Exception {
        camel.close();
        restClient.close();
    }
}
