package ai.dsp.platform.app.controltower;

import ai.dsp.platform.controltower.policy.PolicyEvaluator;
import ai.dsp.platform.controltower.policy.PolicyMetrics;
import ai.dsp.platform.controltower.policy.PolicyProperties;
import ai.dsp.platform.controltower.policy.PolicyService;
import ai.dsp.platform.controltower.policy.PolicyStore;
import ai.dsp.platform.controltower.policy.RegoImporter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Control Tower's policies of {@code dsp.control-tower.policies-dir}, evaluated in process:
 * one {@link PolicyService} for the HTTP API, the Front Door and the client-secret check.
 */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

    @Bean
    PolicyStore policyStore(PolicyProperties properties) {
        return new PolicyStore(properties.policiesDir());
    }

    @Bean
    PolicyEvaluator policyEvaluator() {
        return new PolicyEvaluator();
    }

    @Bean
    PolicyService policyService(PolicyStore store, PolicyEvaluator evaluator, MeterRegistry registry, PolicyProperties properties) {
        return new PolicyService(store, evaluator, new PolicyMetrics(registry), properties.policiesRefresh());
    }

    @Bean
    RegoImporter regoImporter() {
        return new RegoImporter();
    }
}
