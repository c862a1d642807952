package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Map;

/**
 * The Front Door's steps before a module's handler (routes/front-door.camel.yaml): the project's
 * manifest (the Control Tower's, cached and evicted on every change), the module, its status
 * ({@code disabled}: 404 naming it; {@code development}: only on a development platform;
 * {@code deprecated}: served with {@code Deprecation: true}), a handler for its type (501 for a
 * type the Front Door does not serve, 404 for a path the module does not answer), then the
 * project's policy. Authentication, the rate limit and the audit record come before, from the
 * security filters and {@code httpEntry}.
 */
@Component("frontDoor")
public class FrontDoor {

    /** Exchange property: the {@link ProjectModule} of the call. */
    public static final String MODULE = "DspModule";
    /**
     * Exchange properties the routes choose a handler by: the module's type and its config's
     * {@code strategy} ("" without one). Plain values, so a route's choice compares strings
     * instead of calling a method per call.
     */
    public static final String MODULE_TYPE = "DspModuleType";
    public static final String MODULE_STRATEGY = "DspModuleStrategy";

    private final ManifestService manifests;
    private final FrontDoorPolicy policy;
    private final FrontDoorProperties properties;
    private final PlatformMetrics metrics;

    public FrontDoor(ManifestService manifests, FrontDoorPolicy policy, FrontDoorProperties properties, PlatformMetrics metrics) {
        this.manifests = manifests;
        this.policy = policy;
        this.properties = properties;
        this.metrics = metrics;
    }

    /**
     * Resolves the call's module into the exchange property {@link #MODULE} (and
     * {@link #MODULE_TYPE}, {@link #MODULE_STRATEGY}) and lets the call
     * through, or throws what the caller is answered. The token broker is the one call without
     * a caller: its credentials are in the body, checked by the login.
     */
    public void enter(Exchange exchange, String operationName) {
        Operation operation = Operation.of(operationName);
        ProjectModule module = find(exchange.getMessage().getHeader("project", String.class), exchange.getMessage().getHeader("module", String.class));
        measure(exchange, module, operation);
        // before the checks: a refused call's record names the module too
        AuditTrail.annotate(exchange, "frontDoor", Map.of("project", module.project(), "module", module.name(), "type", module.type(),
                "operation", operation.name().toLowerCase(Locale.ROOT), "manifestVersion", module.manifestVersion()));
        requireServed(module, operation);
        if (operation != Operation.TOKEN) {
            Caller caller = Caller.of(exchange).orElseThrow(() -> new ForbiddenException("the Front Door needs an authenticated caller"));
            policy.authorize(caller, module, operation);
        }
        if ("deprecated".equals(module.status())) {
            exchange.getMessage().setHeader("Deprecation", "true");
        }
        exchange.setProperty(MODULE, module);
        exchange.setProperty(MODULE_TYPE, module.type());
        exchange.setProperty(MODULE_STRATEGY, module.strategy());
    }

    /** Counts the call by module and operation once it is answered, whatever the answer. */
    private void measure(Exchange exchange, ProjectModule module, Operation operation) {
        long started = System.nanoTime();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                Integer status = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
                String statusClass = (status == null ? (done.isFailed() ? 5 : 2) : status / 100) + "xx";
                metrics.frontDoorRequest(module.project(), module.name(), operation.name().toLowerCase(Locale.ROOT), statusClass,
                        System.nanoTime() - started);
            }
        });
    }

    /** The module's config with its placeholders resolved, for this request only (never cached). */
    public JsonNode resolvedConfig(ProjectModule module) {
        return manifests.resolveModule(module.manifest(), module.index()).path("config");
    }

    ProjectModule find(String project, String name) {
        if (project == null || !ManifestStore.PROJECT_ID.matcher(project).matches()) {
            throw new BadRequestException("a project id is 1-64 letters, digits, '_' or '-'");
        }
        ManifestVersion version = manifests.current(project).orElseThrow(() -> new NotFoundException("no project " + project));
        JsonNode manifest = manifests.view(version);
        JsonNode modules = manifest.path("modules");
        for (int i = 0; i < modules.size(); i++) {
            JsonNode module = modules.get(i);
            if (module.path("name").asText().equals(name)) {
                ProjectModule found = new ProjectModule(project, name, module.path("module_type").asText(), module.path("status").asText("enabled"),
                        i, version.number(), manifest);
                requireAvailable(found);
                return found;
            }
        }
        throw new NotFoundException("project " + project + " has no module " + name);
    }

    private void requireAvailable(ProjectModule module) {
        if ("disabled".equals(module.status())) {
            throw new NotFoundException("module " + module.name() + " of project " + module.project() + " is disabled");
        }
        if ("development".equals(module.status()) && !FrontDoorProperties.DEVELOPMENT.equals(properties.environment())) {
            throw new NotFoundException("module " + module.name() + " of project " + module.project() + " is in development; this platform's"
                    + " environment is " + properties.environment());
        }
    }

    private static void requireServed(ProjectModule module, Operation operation) {
        if (!Operation.SERVED_TYPES.contains(module.type())) {
            throw new NotImplementedException("module " + module.name() + " is a " + module.type() + ": the Front Door has no handler for that type");
        }
        if (!operation.servedBy(module.type())) {
            throw new NotFoundException("module " + module.name() + " is a " + module.type() + "; it answers " + Operation.pathsOf(module.type()));
        }
    }
}
