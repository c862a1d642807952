package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.ModelServers;
import ai.dsp.platform.app.frontdoor.inference.InferenceClient;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.RetrievalProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each collection's fusion weights, candidate depth and query expansion, from configuration and the manifests' rag_config modules. */
@Configuration(proxyBeanMethods = false)
public class RetrievalConfiguration {

    @Bean
    RetrievalCollections retrievalCollections(RetrievalProperties properties, ManifestService manifests, ManifestStore store,
                                              ObjectProvider<ModelServers> modelServers, InferenceClient inference, ObjectMapper json) {
        // the model servers lazily: the Front Door's beans need not exist before retrieval's
        return new ManifestRetrievalCollections(properties, manifests, store, modelServers, inference, json);
    }
}
