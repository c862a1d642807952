package ai.dsp.platform.app.controltower;

import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.FileManifestStore;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What follows any change the store reports (this process's writes, another replica's, an edit
 * on disk): the module-status gauge is counted again, and a version that an edit on disk made
 * (author {@code file:<name>}) is announced like one written through the API, which announces
 * its own.
 */
@Component
public class ManifestChanges {

    private static final List<String> STATUSES = List.of("enabled", "disabled", "deprecated", "development");

    private final ManifestService manifests;
    private final ManifestStore store;
    private final ManifestAnnouncer announcer;
    private final PlatformMetrics metrics;
    /** The newest version number announced per project, so that each disk edit is told once. */
    private final Map<String, Integer> announced = new ConcurrentHashMap<>();

    public ManifestChanges(ManifestService manifests, ManifestStore store, ManifestAnnouncer announcer, PlatformMetrics metrics) {
        this.manifests = manifests;
        this.store = store;
        this.announcer = announcer;
        this.metrics = metrics;
        store.current().forEach(version -> announced.put(version.projectId(), version.number()));
        store.onChange(this::changed);
        countModules();
    }

    private void changed(String projectId) {
        countModules();
        if (!(store instanceof FileManifestStore)) {
            return;
        }
        List<ManifestVersion> versions = store.versions(projectId);
        if (versions.isEmpty()) {
            return;
        }
        ManifestVersion newest = versions.get(versions.size() - 1);
        Integer before = announced.put(projectId, newest.number());
        if (newest.author().startsWith(FileManifestStore.DISK_AUTHOR_PREFIX) && (before == null || before < newest.number())) {
            announcer.accept(newest);
        }
    }

    private void countModules() {
        Map<String, Long> counts = new LinkedHashMap<>();
        STATUSES.forEach(status -> counts.put(status, 0L));
        for (ManifestVersion version : manifests.list()) {
            for (JsonNode module : version.document().path("modules")) {
                counts.merge(module.path("status").asText("enabled"), 1L, Long::sum);
            }
        }
        counts.keySet().retainAll(STATUSES);
        metrics.modulesByStatus(counts);
    }
}
