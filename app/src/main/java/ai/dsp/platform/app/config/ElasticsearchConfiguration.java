package ai.dsp.platform.app.config;

import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.elasticsearch.ElasticsearchDocumentRegistry;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.graph.GraphFollowingChunkStore;
import ai.dsp.platform.graph.KnowledgeGraph;
import ai.dsp.platform.metrics.MeteredChunkStore;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.retrieve.InvalidatingChunkStore;
import ai.dsp.platform.retrieve.QueryCache;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.elasticsearch.ElasticsearchChunkStore;
import ai.dsp.platform.store.elasticsearch.ElasticsearchProperties;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.es.ElasticsearchComponent;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Elasticsearch chunk store and document registry ({@code dsp.store.type=elasticsearch}, the
 * production profile): every replica reads and writes the same chunks and document records. One
 * low-level client is shared by the camel-elasticsearch component (the chunks' data path) and
 * the Java client (index administration, the registry).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dsp.store.type", havingValue = "elasticsearch")
public class ElasticsearchConfiguration {

    /** The name routes and the store address the component by. */
    static final String COMPONENT = "elasticsearch";

    @Bean(destroyMethod = "close")
    RestClient elasticsearchRestClient(ElasticsearchProperties properties) {
        RestClientBuilder builder = RestClient.builder(properties.urls().stream()
                .map(url -> new HttpHost(url.getHost(), url.getPort(), url.getScheme()))
                .toArray(HttpHost[]::new));
        if (properties.hasCredentials()) {
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(properties.username(), properties.password()));
            builder.setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials));
        }
        return builder.build();
    }

    @Bean
    ElasticsearchClient elasticsearchClient(RestClient restClient) {
        return new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @Bean(COMPONENT)
    ElasticsearchComponent elasticsearchComponent(RestClient restClient) {
        ElasticsearchComponent component = new ElasticsearchComponent();
        component.setClient(restClient);
        return component;
    }

    @Bean(destroyMethod = "close")
    ChunkStore chunkStore(ElasticsearchClient client, ProducerTemplate camel, ElasticsearchProperties properties,
                          Embedder embedder, QueryCache cache, PlatformMetrics metrics, KnowledgeGraph graph) {
        return new GraphFollowingChunkStore(new MeteredChunkStore(new InvalidatingChunkStore(new ElasticsearchChunkStore(client, camel,
                COMPONENT, properties, embedder), cache),
                metrics, "elasticsearch"), graph);
    }

    @Bean(destroyMethod = "close")
    DocumentRegistry documentRegistry(ElasticsearchClient client, ElasticsearchProperties properties) {
        return new ElasticsearchDocumentRegistry(client, properties);
    }
}
