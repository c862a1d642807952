package ai.dsp.platform.controltower.manifest;

import ai.dsp.platform.controltower.store.FileManifestStore;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.controltower.store.ManifestVersion.Change;
import ai.dsp.platform.controltower.store.Precondition;
import ai.dsp.platform.controltower.store.VersionConflictException;
import ai.dsp.platform.controltower.store.VersionInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Control Tower's manifests: what the API and the Front Door call. Writes are validated
 * (nothing invalid is stored), get the server's {@code created_at}/{@code updated_at} and a
 * summary of what changed, and are announced; reads of current manifests are cached and the
 * cache follows the store's change notices (other replicas, edits on disk). Placeholders are
 * resolved only by {@link #resolve}, on a copy that is never cached or stored.
 */
public final class ManifestService {

    static final String CREATED_AT = "created_at";
    static final String UPDATED_AT = "updated_at";

    private final ManifestStore store;
    private final Function<JsonNode, ManifestChecks.Report> validator;
    private final Placeholders placeholders;
    private final Clock clock;
    private final Consumer<ManifestVersion> announcer;
    private final Map<String, Optional<ManifestVersion>> cache = new ConcurrentHashMap<>();
    /** The served tree of each project's current version, shared by the readers of {@link #view}. */
    private final Map<String, View> views = new ConcurrentHashMap<>();

    private record View(ManifestVersion version, ObjectNode served) {
    }

    /** {@code announcer} hears every version written through this service (events). */
    public ManifestService(ManifestStore store, Function<JsonNode, ManifestChecks.Report> validator, Placeholders placeholders,
                           Clock clock, Consumer<ManifestVersion> announcer) {
        this.store = store;
        this.validator = validator;
        this.placeholders = placeholders;
        this.clock = clock;
        this.announcer = announcer;
        store.onChange(cache::remove);
    }

    /** A write that went through: the version and the warnings its manifest had. */
    public record Written(ManifestVersion version, List<ManifestChecks.Finding> warnings) {
    }

    public List<ManifestVersion> list() {
        return store.current();
    }

    public Optional<ManifestVersion> current(String projectId) {
        return cache.computeIfAbsent(projectId, store::current);
    }

    /**
     * The manifest of {@code version} as it is served: as stored, with the server's timestamps
     * where an edit on disk (which the server did not stamp) left them out or unchanged:
     * {@code updated_at} the time of that version, {@code created_at} that of the first version
     * since the manifest was last created.
     */
    public ObjectNode served(ManifestVersion version) {
        ObjectNode document = version.document();
        if (document == null || !version.author().startsWith(FileManifestStore.DISK_AUTHOR_PREFIX)) {
            return document;
        }
        document.put(UPDATED_AT, version.createdAt().truncatedTo(ChronoUnit.MILLIS).toString());
        if (!document.hasNonNull(CREATED_AT)) {
            document.put(CREATED_AT, firstOfItsLife(version).createdAt().truncatedTo(ChronoUnit.MILLIS).toString());
        }
        return document;
    }

    /**
     * {@link #served} without the copy, for readers that only read (the Front Door, per call): one
     * tree per project's current version, shared. Callers must not change it.
     */
    public JsonNode view(ManifestVersion version) {
        View known = views.get(version.projectId());
        // a project's versions are numbered without reuse and never change: the number names the tree
        if (known != null && known.version().number() == version.number() && known.version().createdAt().equals(version.createdAt())) {
            return known.served();
        }
        ObjectNode served = served(version);
        views.put(version.projectId(), new View(version, served));
        return served;
    }

    /** The first version after the last delete before {@code version}. */
    private ManifestVersion firstOfItsLife(ManifestVersion version) {
        ManifestVersion first = null;
        for (ManifestVersion earlier : store.versions(version.projectId())) {
            if (earlier.number() > version.number()) {
                break;
            }
            if (earlier.deleted()) {
                first = null;
            } else if (first == null) {
                first = earlier;
            }
        }
        return first == null ? version : first;
    }

    public List<ManifestVersion> versions(String projectId) {
        return store.versions(projectId);
    }

    public Optional<ManifestVersion> version(String projectId, int number) {
        return store.version(projectId, number);
    }

    public ManifestChecks.Report validate(JsonNode manifest) {
        return validator.apply(manifest);
    }

    /** The manifest with its placeholders resolved, for this request only. */
    public JsonNode resolve(JsonNode manifest) {
        return placeholders.resolve(manifest);
    }

    /** Module {@code index} of {@code manifest} with its placeholders resolved, for this request only. */
    public JsonNode resolveModule(JsonNode manifest, int index) {
        return placeholders.resolvePart(manifest, manifest.path("modules").path(index), "/modules/" + index);
    }

    /** A new manifest; a deleted one of the same id comes back with its history going on. */
    public Written create(ObjectNode manifest, String author) {
        String projectId = manifest.path("project_id").asText();
        return write(projectId, manifest, Precondition.absent(), Change.CREATED, author, null);
    }

    /** A new version of an existing manifest; {@code precondition} is the caller's If-Match, or present() without one. */
    public Written update(String projectId, ObjectNode manifest, Precondition precondition, String author) {
        if (!projectId.equals(manifest.path("project_id").asText())) {
            throw new IllegalArgumentException("the body's project_id '" + manifest.path("project_id").asText()
                    + "' differs from the path's '" + projectId + "'");
        }
        return write(projectId, manifest, precondition, Change.UPDATED, author, null);
    }

    /** A new version equal to version {@code number} (its manifest, validated again as of now). */
    public Written rollback(String projectId, int number, Precondition precondition, String author) {
        ManifestVersion target = version(projectId, number)
                .filter(found -> !found.deleted())
                .orElseThrow(() -> new IllegalArgumentException("manifest " + projectId + " has no version " + number + " to roll back to"));
        Precondition effective = precondition.kind() == Precondition.Kind.VERSION ? precondition : Precondition.any();
        return write(projectId, target.document(), effective, Change.ROLLED_BACK, author, "rolled back to version " + number);
    }

    public ManifestVersion delete(String projectId, Precondition precondition, String author) {
        ManifestVersion deleted = store.delete(projectId, precondition, new VersionInfo(Change.DELETED, author, "deleted"));
        cache.remove(projectId);
        announcer.accept(deleted);
        return deleted;
    }

    /** Removes the history too (administrators); true when there was one. */
    public boolean purge(String projectId) {
        boolean purged = store.purge(projectId);
        cache.remove(projectId);
        return purged;
    }

    private Written write(String projectId, ObjectNode manifest, Precondition precondition, Change change, String author, String summary) {
        ManifestChecks.Report report = validator.apply(manifest);
        if (!report.valid()) {
            throw InvalidManifestException.invalid(report);
        }
        Optional<ManifestVersion> before = store.current(projectId);
        if (change == Change.CREATED && before.isPresent()) {
            throw new VersionConflictException(projectId, precondition, before.get().number());
        }
        ObjectNode document = stamped(manifest, before);
        String line = summary != null ? summary : ChangeSummary.of(before.map(ManifestVersion::document).orElse(null), document);
        ManifestVersion written = store.write(projectId, document, precondition, new VersionInfo(change, author, line));
        cache.remove(projectId);
        announcer.accept(written);
        return new Written(written, report.warnings());
    }

    /** The server's timestamps: {@code created_at} from the first version of this life of the manifest, {@code updated_at} now. */
    private ObjectNode stamped(ObjectNode manifest, Optional<ManifestVersion> before) {
        ObjectNode document = manifest.deepCopy();
        String now = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
        String created = before.map(version -> served(version).path(CREATED_AT).asText(null)).orElse(now);
        document.put(CREATED_AT, created == null ? now : created);
        document.put(UPDATED_AT, now);
        return document;
    }
}
