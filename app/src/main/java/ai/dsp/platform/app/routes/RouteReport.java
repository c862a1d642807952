package ai.dsp.platform.app.routes;

import java.util.ArrayList;
import java.util.List;

/**
 * What checking a route file found: whether it may run, the ids of its routes and REST
 * operations, the {@code direct:} endpoints it serves and those it sends to, and each finding,
 * naming the route where one is to blame.
 */
public record RouteReport(String file, boolean valid, List<String> routeIds, List<String> directEndpoints, List<String> directTargets,
                          List<Finding> findings) {

    public record Finding(String route, String message) {
    }

    /** The same report with one more finding: then it is not valid. */
    RouteReport with(String route, String message) {
        List<Finding> more = new ArrayList<>(findings);
        more.add(new Finding(route, message));
        return new RouteReport(file, false, routeIds, directEndpoints, directTargets, List.copyOf(more));
    }

    /** The findings as one line each, for logs and errors. */
    public String summary() {
        return String.join("; ", findings.stream().map(Finding::message).toList());
    }
}
