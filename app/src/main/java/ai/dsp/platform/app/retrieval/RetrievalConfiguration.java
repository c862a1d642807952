package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.ModelServers;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.embed.EmbeddingProperties;
import ai.dsp.platform.retrieve.RetrievalProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Each collection's fusion weights, candidate depth, query expansion, reranker and embedding model, from configuration
 * and the manifests' rag_config modules (one bean: it is both {@code RetrievalCollections} and {@code CollectionModels}).
 */
@Configuration(proxyBeanMethods = false)
public class RetrievalConfiguration {

    @Bean
    ManifestRetrievalCollections retrievalCollections(RetrievalProperties properties, EmbeddingProperties embedding,
                                                      ManifestService manifests, ManifestStore store,
                                                      ObjectProvider<ModelServers> modelServers, InferenceClient inference,
                                                      ObjectMapper json) {
        // the model servers lazily: the Front Door's beans need not exist before retrieval's
        return new ManifestRetrievalCollections(properties, embedding, manifests, store, modelServers, inference, json);
    }
}
