package ai.dsp.platform.app.graph;

import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.graph.GraphCollections;
import ai.dsp.platform.graph.GraphProperties;
import ai.dsp.platform.graph.KnowledgeGraph;
import ai.dsp.platform.graph.Neo4jGraphStore;
import ai.dsp.platform.graph.NounPhraseExtractor;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.GraphDatabase;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.TimeUnit;

/**
 * The knowledge graph: off unless {@code dsp.graph.enabled}; then Neo4j through the Java driver
 * and the no-LLM extractor, for the collections {@code dsp.graph.collections} names and those of
 * the manifests' knowledge-graph modules ({@link ManifestGraphCollections}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GraphProperties.class)
public class GraphConfiguration {

    /** Its models load once (a few MB); thread-safe. */
    @Bean
    NounPhraseExtractor nounPhraseExtractor() {
        return new NounPhraseExtractor();
    }

    @Bean
    GraphCollections graphCollections(GraphProperties properties, ManifestService manifests, ManifestStore store, InferenceClient inference,
                                      NounPhraseExtractor keys, ObjectMapper json) {
        return new ManifestGraphCollections(properties, manifests, store, inference, keys, json);
    }

    @Bean(destroyMethod = "close")
    KnowledgeGraph knowledgeGraph(GraphProperties properties, GraphCollections collections, NounPhraseExtractor extractor, Embedder embedder,
                                  PlatformMetrics metrics) {
        if (!properties.enabled()) {
            return KnowledgeGraph.OFF;
        }
        AuthToken auth = properties.hasCredentials() ? AuthTokens.basic(properties.username(), properties.password()) : AuthTokens.none();
        // a short retry window: the error policy's backoff, not the driver, waits out a long outage
        Config config = Config.builder()
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .withMaxTransactionRetryTime(5, TimeUnit.SECONDS)
                .build();
        Neo4jGraphStore store = new Neo4jGraphStore(GraphDatabase.driver(properties.uri(), auth, config), properties,
                embedder::embedAll, embedder.dimensions());
        return new KnowledgeGraph(store, extractor, collections, metrics);
    }
}
