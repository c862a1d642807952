package ai.dsp.platform.app.routes;

import ai.dsp.platform.app.errors.RootCause;
import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.annotation.PreDestroy;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.FactoryFinder;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The route files (routes/*.camel.yaml) as the platform runs them. At start every file is
 * checked ({@link RouteRules}, then Camel's own parser) and the start fails, naming what is
 * wrong or missing, when a file breaks the rules, when there is no route, or when a required
 * route is missing. Afterwards the folder is compared with what runs every
 * {@code watchInterval}: a changed or added file that passes the checks replaces that file's
 * routes (Camel lets in-flight exchanges finish); one that does not changes nothing, and the
 * old routes keep serving; a removed file's routes go only if nothing else needs them. Every
 * outcome is logged, announced ({@code route.reloaded|removed|invalid}) and kept for /health and
 * the admin API.
 */
@Component
public class RouteFiles implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);
    static final String SUFFIX = ".camel.yaml";
    static final String EVENTS = "direct:notify-routes";

    /** A file as it runs: its text and what checking it found. */
    private record Running(String text, RouteReport report) {
    }

    /** A change that was refused: what it found, when, and the text refused (null: the file's removal). */
    public record Refusal(RouteReport report, Instant at, @JsonIgnore String text) {
    }

    private final RouteFilesProperties properties;
    private final Map<Path, Running> running = new ConcurrentHashMap<>();
    private final Map<Path, Refusal> refused = new ConcurrentHashMap<>();
    private volatile CamelContext camel;
    private volatile Path dir;
    private final Map<String, Boolean> installedComponents = new ConcurrentHashMap<>();
    private ProducerTemplate producer;
    private ScheduledExecutorService watcher;

    public RouteFiles(RouteFilesProperties properties) {
        this.properties = properties;
    }

    @Override
    public void beforeApplicationStart(CamelContext context) {
        camel = context;
        dir = realFolder();
        Map<Path, String> texts = read();
        if (texts.isEmpty()) {
            throw new IllegalStateException("no route files (*" + SUFFIX + ") in " + dir + ": the platform would ingest and answer nothing");
        }
        Map<Path, RouteReport> reports = checkTogether(texts);
        List<String> problems = new ArrayList<>();
        reports.forEach((file, report) -> report.findings().forEach(finding -> problems.add(file.getFileName() + ": " + finding.message())));
        Set<String> ids = new HashSet<>();
        reports.values().forEach(report -> ids.addAll(report.routeIds()));
        List<String> missing = properties.required().stream().filter(id -> !ids.contains(id)).toList();
        if (!missing.isEmpty()) {
            problems.add("required routes missing: " + String.join(", ", missing) + " (dsp.routes.required)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the route files in " + dir + " cannot start:\n  " + String.join("\n  ", problems));
        }
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(texts.entrySet().stream().map(e -> resource(e.getKey(), e.getValue())).toList());
        } catch (Exception e) {
            throw new IllegalStateException("the route files in " + dir + " cannot be loaded: " + RootCause.message(e), e);
        }
        texts.forEach((file, text) -> running.put(file, new Running(text, reports.get(file))));
        LOG.info("{} route files loaded from {}", texts.size(), dir);
    }

    @Override
    public void afterApplicationStart(CamelContext context) {
        producer = context.createProducerTemplate();
        watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "route-files-watcher");
            thread.setDaemon(true);
            return thread;
        });
        long every = properties.watchInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::pollQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops watching (the routes stop with Camel). */
    @PreDestroy
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ what the admin API asks

    /** The file each running route came from, by route id (routes defined in Java have none). */
    public Map<String, String> sources() {
        Map<String, String> sources = new LinkedHashMap<>();
        running.forEach((file, run) -> run.report().routeIds().forEach(id -> sources.put(id, file.getFileName().toString())));
        return sources;
    }

    /** The refused changes still standing, by file name. */
    public Map<String, Refusal> refusals() {
        Map<String, Refusal> named = new TreeMap<>();
        refused.forEach((file, refusal) -> named.put(file.getFileName().toString(), refusal));
        return named;
    }

    /** The report {@code text} would get as the file {@code name} (a new file when none has that name); nothing changes. */
    public RouteReport validate(String name, String text) {
        Path file = dir.resolve(name == null || name.isBlank() ? "validated" + SUFFIX : Path.of(name).getFileName().toString());
        return check(file, text);
    }

    /**
     * Compares the folder with what runs now, without waiting for the next look, and applies what
     * changed; refused files are checked again (a placeholder may have a value by now). Unchanged
     * running files are left alone: restarting them would stop this very call's route.
     */
    public synchronized List<RouteReport> reload() {
        return poll(true);
    }

    // ------------------------------------------------------------------ watching

    private void pollQuietly() {
        try {
            poll(false);
        } catch (RuntimeException e) {
            LOG.error("comparing the route files with the running routes failed; trying again in {}", properties.watchInterval(), e);
        }
    }

    /** {@code recheck}: refused changes and removals are tried again even though nothing changed. */
    private synchronized List<RouteReport> poll(boolean recheck) {
        Map<Path, String> texts = read();
        List<RouteReport> reports = new ArrayList<>();
        texts.forEach((file, text) -> {
            Running now = running.get(file);
            Refusal refusal = refused.get(file);
            if (now != null && now.text().equals(text)) {
                // unchanged, or a refused edit undone: what runs is what the file says
                refused.remove(file);
                reports.add(now.report());
            } else if (recheck || refusal == null || !text.equals(refusal.text())) {
                reports.add(apply(file, text));
            } else {
                reports.add(refusal.report());
            }
        });
        for (Path gone : new ArrayList<>(running.keySet())) {
            Refusal refusal = refused.get(gone);
            if (!texts.containsKey(gone) && (recheck || refusal == null || refusal.text() != null)) {
                reports.add(remove(gone));
            }
        }
        refused.keySet().removeIf(file -> !texts.containsKey(file) && !running.containsKey(file));
        return reports;
    }

    private RouteReport apply(Path file, String text) {
        RouteReport report = check(file, text);
        if (!report.valid()) {
            return refuse(file, text, report, "refused");
        }
        Running before = running.get(file);
        try {
            PluginHelper.getRoutesLoader(camel).updateRoutes(resource(file, text));
        } catch (Exception e) {
            String reason = "Camel could not start the new routes: " + RootCause.message(e);
            restore(file, before);
            return refuse(file, text, report.with(null, reason), "could not start; the previous version runs again");
        }
        removeLeftOvers(before, report);
        running.put(file, new Running(text, report));
        refused.remove(file);
        LOG.info("route file {} {}: routes {}", file.getFileName(), before == null ? "added" : "reloaded", report.routeIds());
        announce("route.reloaded", file, report.routeIds(), null);
        return report;
    }

    private RouteReport remove(Path file) {
        Running gone = running.get(file);
        List<String> problems = new ArrayList<>();
        gone.report().routeIds().stream().filter(properties.required()::contains)
                .forEach(id -> problems.add("route " + id + " is required (dsp.routes.required)"));
        for (String target : targetsOfOthers(file)) {
            if (gone.report().directEndpoints().contains(target)) {
                problems.add("direct:" + target + " is still sent to by another file");
            }
        }
        if (!problems.isEmpty()) {
            RouteReport refusedRemoval = new RouteReport(file.getFileName().toString(), false, gone.report().routeIds(),
                    gone.report().directEndpoints(), gone.report().directTargets(),
                    problems.stream().map(p -> new RouteReport.Finding(null, "removing the file: " + p)).toList());
            return refuse(file, null, refusedRemoval, "removal refused; its routes keep running");
        }
        for (String id : gone.report().routeIds()) {
            stopAndRemove(id);
        }
        running.remove(file);
        refused.remove(file);
        LOG.info("route file {} removed: routes {} stopped", file.getFileName(), gone.report().routeIds());
        announce("route.removed", file, gone.report().routeIds(), null);
        return new RouteReport(file.getFileName().toString(), true, List.of(), List.of(), List.of(), List.of());
    }

    private RouteReport refuse(Path file, String text, RouteReport report, String outcome) {
        refused.put(file, new Refusal(report, Instant.now(), text));
        LOG.warn("route file {} {}: {}", file.getFileName(), outcome, report.summary());
        announce("route.invalid", file, report.routeIds(), report.summary());
        return report;
    }

    /** After a failed update: the file's previous routes run again (or none, for a new file). */
    private void restore(Path file, Running before) {
        try {
            if (before != null) {
                PluginHelper.getRoutesLoader(camel).updateRoutes(resource(file, before.text()));
            }
        } catch (Exception e) {
            LOG.error("route file {}: the previous routes could not be started again: {}", file.getFileName(), RootCause.message(e));
        }
    }

    /** Routes of the file's previous version that the new one no longer has. */
    private void removeLeftOvers(Running before, RouteReport now) {
        if (before != null) {
            before.report().routeIds().stream().filter(id -> !now.routeIds().contains(id)).forEach(this::stopAndRemove);
        }
    }

    private void stopAndRemove(String id) {
        try {
            if (camel.getRoute(id) != null) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
        } catch (Exception e) {
            LOG.warn("route {} could not be removed: {}", id, RootCause.message(e));
        }
    }

    // ------------------------------------------------------------------ checking

    /** Every file checked with the others as its neighbours (at start nothing runs yet). */
    private Map<Path, RouteReport> checkTogether(Map<Path, String> texts) {
        Map<Path, RouteReport> alone = new LinkedHashMap<>();
        texts.forEach((file, text) -> alone.put(file, new RouteRules(neighbours(file, Map.of())).check(file.getFileName().toString(), text)));
        Map<Path, RouteReport> together = new LinkedHashMap<>();
        texts.forEach((file, text) -> together.put(file, checked(file, text, new RouteRules(neighbours(file, alone)))));
        return together;
    }

    private RouteReport check(Path file, String text) {
        Map<Path, RouteReport> others = new LinkedHashMap<>();
        running.forEach((other, run) -> others.put(other, run.report()));
        return checked(file, text, new RouteRules(neighbours(file, others)));
    }

    /** The rules' findings, then Camel's parser's when the rules found nothing. */
    private RouteReport checked(Path file, String text, RouteRules rules) {
        RouteReport report = rules.check(file.getFileName().toString(), text);
        if (!report.valid()) {
            return report;
        }
        try {
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource(file, text)))) {
                if (builder instanceof RouteBuilder routes) {
                    routes.setCamelContext(camel);
                    routes.configureRoutes(camel);
                }
            }
            return report;
        } catch (Exception e) {
            return report.with(null, "Camel cannot read it: " + RootCause.message(e));
        }
    }

    private RouteRules.Context neighbours(Path file, Map<Path, RouteReport> others) {
        return new RouteRules.Context() {
            @Override
            public boolean componentInstalled(String scheme) {
                return RouteFiles.this.componentInstalled(scheme);
            }

            @Override
            public boolean placeholderResolves(String key) {
                if (key.startsWith("env:")) {
                    return System.getenv(key.substring(4)) != null;
                }
                return camel.getPropertiesComponent().resolveProperty(key).isPresent();
            }

            @Override
            public boolean routeIdTakenElsewhere(String id) {
                return others.entrySet().stream().anyMatch(e -> !e.getKey().equals(file) && e.getValue().routeIds().contains(id))
                        || javaRoute(id);
            }

            @Override
            public boolean directServedElsewhere(String name) {
                return others.entrySet().stream().anyMatch(e -> !e.getKey().equals(file) && e.getValue().directEndpoints().contains(name));
            }
        };
    }

    /**
     * Does this platform have the component: added in code, or on the class path. Looked up by its
     * one service file, not by listing them all: listing scans every nested jar of the fat jar,
     * which took minutes at start.
     */
    private boolean componentInstalled(String scheme) {
        return installedComponents.computeIfAbsent(scheme, name -> camel.getComponentNames().contains(name)
                || camel.getCamelContextExtension().getFactoryFinder(FactoryFinder.DEFAULT_PATH + "component/").findOptionalClass(name).isPresent());
    }

    /** A running route that no file defines (Java), which a file's id must not take. */
    private boolean javaRoute(String id) {
        Route route = camel.getRoute(id);
        return route != null && running.values().stream().noneMatch(run -> run.report().routeIds().contains(id));
    }

    private Set<String> targetsOfOthers(Path file) {
        Set<String> targets = new HashSet<>();
        running.forEach((other, run) -> {
            if (!other.equals(file)) {
                targets.addAll(run.report().directTargets());
            }
        });
        return targets;
    }

    // ------------------------------------------------------------------ files

    private Path realFolder() {
        try {
            return properties.dir().toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("the routes folder " + properties.dir().toAbsolutePath() + " does not exist (dsp.routes.dir)", e);
        }
    }

    /** The route files now, by path; symbolic links (ConfigMap mounts) followed. */
    private Map<Path, String> read() {
        Map<Path, String> texts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f)).toList()) {
                texts.put(file, Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("the routes folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
        return texts;
    }

    private static Resource resource(Path file, String text) {
        return ResourceHelper.fromString("file:" + file, text);
    }

    private void announce(String type, Path file, List<String> routes, String reason) {
        if (producer == null) {
            return;
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("file", file.getFileName().toString());
        event.put("routes", routes);
        if (reason != null) {
            event.put("reason", reason);
        }
        event.put("time", Instant.now().toString());
        try {
            producer.asyncSendBody(EVENTS, event);
        } catch (RuntimeException e) {
            LOG.warn("the {} event of {} could not be sent: {}", type, file.getFileName(), e.getMessage());
        }
    }
}
