package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.RetrievalProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Each collection's fusion weights, candidate depth and query expansion, from configuration and the manifests' rag_config modules. */
@Configuration(proxyBeanMethods = false)
public class RetrievalConfiguration {

    @Bean
    RetrievalCollections retrievalCollections(RetrievalProperties properties, ManifestService manifests, ManifestStore store) {
        return new ManifestRetrievalCollections(properties, manifests, store);
    }
}
