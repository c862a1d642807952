package ai.dsp.platform.app.http;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.StatefulService;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpListener;
import org.apache.camel.component.platform.http.springboot.CamelRequestHandlerMapping;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;

import java.util.List;
import java.util.Map;

/**
 * Takes a stopped HTTP consumer's paths out of Spring MVC. camel-platform-http-starter 4.18
 * registers a mapping for every platform-http consumer that starts but leaves it in place when
 * the consumer stops ({@code CamelRequestHandlerMapping.unregisterHttpEndpoint} does nothing),
 * so a path whose route file was removed, or whose route an operator stopped, would go on
 * reaching the dead consumer and answer 500. Removing the consumer's own mappings makes it a 404
 * with the platform's error body; a route that starts again registers its mappings anew.
 */
@Component
public class StoppedPathMappings implements PlatformHttpListener {

    private final CamelContext camel;
    private final CamelRequestHandlerMapping mapping;

    public StoppedPathMappings(CamelContext camel, CamelRequestHandlerMapping mapping) {
        this.camel = camel;
        this.mapping = mapping;
        camel.getComponent("platform-http", PlatformHttpComponent.class).addPlatformHttpListener(this);
    }

    @Override
    public void registerHttpEndpoint(HttpEndpointModel model) {
        // the starter's own listener registers
    }

    @Override
    public void unregisterHttpEndpoint(HttpEndpointModel model) {
        // the component announces every consumer of the stopped one's path (other verbs' routes too): only the stopping one goes
        if (model.getConsumer() == null || !stopping(model.getConsumer().getEndpoint())) {
            return;
        }
        List<RequestMappingInfo> stopped = mapping.getHandlerMethods().entrySet().stream()
                .filter(entry -> entry.getValue().getBean() == model.getConsumer())
                .map(Map.Entry::getKey)
                .toList();
        stopped.forEach(mapping::unregisterMapping);
    }

    private boolean stopping(Endpoint endpoint) {
        return camel.getRoutes().stream()
                .map(Route::getConsumer)
                .anyMatch(consumer -> consumer.getEndpoint() == endpoint
                        && consumer instanceof StatefulService service && (service.isStopping() || service.isStopped()));
    }
}
