package ai.dsp.platform.app.messaging;

import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Producer;
import org.apache.camel.component.redis.RedisComponent;
import org.apache.camel.component.redis.RedisConfiguration;
import org.apache.camel.component.redis.RedisEndpoint;

import java.util.Map;

/**
 * camel-spring-redis as the {@code spring-redis} component. The newest published release (4.17)
 * predates camel-support 4.18, whose producers get their CamelContext injected instead of taking
 * it from the endpoint; 4.17's endpoint never injects it and its producer fails to start. This
 * component's endpoints hand the context over. Drop it once camel-spring-redis 4.18 resolves.
 */
// the name also finds camel-spring-redis's generated option configurers for this subclass
@org.apache.camel.spi.annotations.Component("spring-redis")
public class SpringRedisComponent extends RedisComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        RedisEndpoint configured = (RedisEndpoint) super.createEndpoint(uri, remaining, parameters);
        ContextAwareEndpoint endpoint = new ContextAwareEndpoint(uri, this, configured.getConfiguration());
        // the options every endpoint has were set on the other instance
        endpoint.setLazyStartProducer(configured.isLazyStartProducer());
        endpoint.setBridgeErrorHandler(configured.isBridgeErrorHandler());
        endpoint.setExchangePattern(configured.getExchangePattern());
        return endpoint;
    }

    private static final class ContextAwareEndpoint extends RedisEndpoint {

        ContextAwareEndpoint(String uri, RedisComponent component, RedisConfiguration configuration) {
            super(uri, component, configuration);
        }

        @Override
        public Producer createProducer() throws Exception {
            Producer producer = super.createProducer();
            CamelContextAware.trySetCamelContext(producer, getCamelContext());
            return producer;
        }
    }
}
