package ai.dsp.platform.app.frontdoor.inference;

import ai.dsp.platform.metrics.PlatformMetrics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The Front Door's inference engine: the circuit breakers of the upstreams and the client the {@code inference_endpoint} handler calls. */
@Configuration(proxyBeanMethods = false)
public class InferenceConfiguration {

    @Bean
    UpstreamBreakers upstreamBreakers(InferenceProperties properties, PlatformMetrics metrics) {
        return new UpstreamBreakers(properties.breaker(), metrics);
    }

    @Bean
    InferenceClient inferenceClient(InferenceProperties properties, UpstreamBreakers breakers, PlatformMetrics metrics) {
        return new InferenceClient(properties, breakers, metrics, Clock.systemUTC());
    }
}
