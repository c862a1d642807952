package ai.dsp.platform.app.routes;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The route admin API ({@code /api/v1/admin/routes}, admin role, every call audited like any
 * other): every route with its file, status and figures; stop, start, suspend and resume; a
 * check of a route file's text that changes nothing; a reload of the folder.
 */
@Component("routeAdmin")
public class RouteAdmin {

    /** The admin API's own routes: stopping them here would leave no way to start them again. */
    static final Set<String> OWN_ROUTES = Set.of("route-admin-list", "route-admin-control", "route-admin-validate", "route-admin-reload");
    private static final Set<String> ACTIONS = Set.of("stop", "start", "suspend", "resume");

    private final CamelContext camel;
    private final RouteFiles files;
    private final RouteFailures failures;
    private final MeterRegistry registry;

    public RouteAdmin(CamelContext camel, RouteFiles files, RouteFailures failures, MeterRegistry registry) {
        this.camel = camel;
        this.files = files;
        this.failures = failures;
        this.registry = registry;
    }

    /** {@code GET /api/v1/admin/routes}: {@code {routes[...], refused{file: {report, at}}}}. */
    public Map<String, Object> list() {
        Map<String, String> sources = files.sources();
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Route route : camel.getRoutes().stream().sorted(Comparator.comparing(Route::getRouteId)).toList()) {
            routes.add(describe(route, sources.get(route.getRouteId())));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("routes", routes);
        answer.put("refused", files.refusals());
        return answer;
    }

    /** {@code POST /api/v1/admin/routes/{id}/{action}}: the route's status afterwards. */
    public Map<String, Object> control(String id, String action) throws Exception {
        if (!ACTIONS.contains(action)) {
            throw new BadRequestException("the action is one of " + ACTIONS + ", not " + action);
        }
        Route route = camel.getRoute(id);
        if (route == null) {
            throw new NotFoundException("no route " + id);
        }
        if (OWN_ROUTES.contains(id) && !action.equals("start") && !action.equals("resume")) {
            throw new BadRequestException("route " + id + " serves this API: it cannot be stopped or suspended through it");
        }
        RouteController controller = camel.getRouteController();
        switch (action) {
            case "stop" -> controller.stopRoute(id);
            case "start" -> controller.startRoute(id);
            case "suspend" -> controller.suspendRoute(id);
            default -> controller.resumeRoute(id);
        }
        return describe(camel.getRoute(id), files.sources().get(id));
    }

    /** {@code POST /api/v1/admin/routes/validate[?file=NAME]} with a route file's text: its report; nothing changes. */
    public RouteReport validate(String text, String file) {
        if (text == null || text.isBlank()) {
            throw new BadRequestException("the body is the YAML text of a route file");
        }
        return files.validate(file, text);
    }

    /** {@code POST /api/v1/admin/routes/reload}: every file compared with what runs, and applied. */
    public Map<String, Object> reload() {
        return Map.of("files", files.reload());
    }

    private Map<String, Object> describe(Route route, String file) {
        String id = route.getRouteId();
        ServiceStatus status = camel.getRouteController().getRouteStatus(id);
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("id", id);
        described.put("description", route.getDescription());
        described.put("file", file);
        described.put("status", status == null ? null : status.name());
        described.put("exchangesTotal", count("camel.exchanges.total", id));
        described.put("exchangesFailed", count("camel.exchanges.failed", id));
        described.put("exchangesInflight", camel.getInflightRepository().size(id));
        Timer timer = registry.find("camel.route.policy").tag("routeId", id).timer();
        described.put("meanMs", timer == null ? null : round(timer.mean(TimeUnit.MILLISECONDS)));
        described.put("maxMs", timer == null ? null : round(timer.max(TimeUnit.MILLISECONDS)));
        described.put("lastError", failures.last(id).orElse(null));
        return described;
    }

    private long count(String name, String routeId) {
        Counter counter = registry.find(name).tag("routeId", routeId).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
