package ai.dsp.platform.controltower.store;

import ai.dsp.platform.controltower.store.VersionFiles.Stored;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The default manifest store: the current manifests are the top-level {@code *.json} files of a
 * folder ({@code manifests/<project_id>.json}, pretty JSON in the order written; subfolders such
 * as {@code templates/} are not manifests), and every version is an envelope under a history
 * folder ({@link VersionFiles}).
 *
 * <p>Operators may edit the folder directly. On start and whenever the folder changes (a watch
 * service, and a poll every {@code pollInterval} for file systems that do not report changes)
 * each file is parsed and checked by the validator; a file whose document differs from the
 * newest version becomes a new version (author {@code file:<name>}, summary "edited on disk"),
 * and a removed file becomes a tombstone ("removed on disk"). A file that is not JSON, or that
 * the validator rejects, leaves the last valid version serving and becomes a problem; so does a
 * file named otherwise than the {@code project_id} it holds (it is served under that
 * {@code project_id}; the store's next write of that project moves it to the right name).
 *
 * <p>Writes are atomic (temp file and rename) and exclusive per project across threads and
 * processes ({@link ProjectLock}); the store's own files never come back as edits. Two stores
 * on the same folders (two processes, or two instances in one) hear each other's writes
 * through the folder watch.
 */
public final class FileManifestStore implements ManifestStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileManifestStore.class);
    /** The author of a version an edit on disk made: {@code file:<name>}. */
    public static final String DISK_AUTHOR_PREFIX = "file:";
    static final String EDITED_ON_DISK = "edited on disk";
    static final String REMOVED_ON_DISK = "removed on disk";
    /** Editors save in steps (truncate, write, rename): wait until the folder is quiet this long before a scan. */
    private static final Duration SETTLE = Duration.ofMillis(100);
    private static final Duration MAX_SETTLE = Duration.ofSeconds(1);
    private static final int REPORTED_ERRORS = 5;

    private final Path manifestsDir;
    private final VersionFiles versions;
    private final ProjectLock locks;
    private final Duration pollInterval;
    private final Function<ObjectNode, List<String>> validator;
    private final BiConsumer<String, String> problemListener;
    private final ChangeListeners listeners = new ChangeListeners();
    /** The newest version of each project as this instance last told its listeners. */
    private final Map<String, Head> seen = new ConcurrentHashMap<>();
    private volatile Map<String, String> problems = Map.of();
    /** Each file's last text and what it held, so that an unchanged file is not parsed and validated on every poll. */
    private final Map<String, ReadFile> lastRead = new ConcurrentHashMap<>();
    private final WatchService watchService;
    private final Thread watcher;
    private volatile boolean closed;

    /**
     * Reads the folders (creating them when missing), imports what changed on disk while the
     * store was not running, and starts watching.
     *
     * @param manifestsDir    the current manifests ({@code dsp.control-tower.store.manifests-dir})
     * @param historyDir      the versions ({@code dsp.control-tower.store.history-dir})
     * @param pollInterval    how often the folder is read even when no change was reported
     * @param validator       the errors of a document found on disk (empty when it is valid);
     *                        documents written through the store are the caller's to check
     * @param problemListener hears each new problem as (file name, reason), also those found on start
     * @throws IllegalStateException when the manifests folder is missing while the history has
     *                               live manifests: a wrong path must not delete them all
     */
    public FileManifestStore(Path manifestsDir, Path historyDir, Duration pollInterval,
                             Function<ObjectNode, List<String>> validator, BiConsumer<String, String> problemListener) {
        this.manifestsDir = manifestsDir;
        this.versions = new VersionFiles(historyDir);
        this.pollInterval = requirePositive(pollInterval);
        this.validator = Objects.requireNonNull(validator, "validator");
        this.problemListener = Objects.requireNonNull(problemListener, "problemListener");
        try {
            Files.createDirectories(historyDir);
            this.locks = new ProjectLock(historyDir);
            requireManifestsDirUnlessEmpty();
            Files.createDirectories(manifestsDir);
        } catch (IOException e) {
            throw new ManifestStoreException("cannot open the manifest folders " + manifestsDir + " and " + historyDir, e);
        }
        this.watchService = watchFolders(historyDir);
        try {
            scan();
        } catch (IOException e) {
            closeWatchService();
            throw new ManifestStoreException("cannot read the manifests folder " + manifestsDir, e);
        } catch (RuntimeException e) {
            closeWatchService();
            throw e;
        }
        this.watcher = new Thread(this::watch, "manifest-files-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public List<ManifestVersion> current() {
        return reading("the manifests", () -> {
            List<ManifestVersion> current = new ArrayList<>();
            for (String projectId : versions.projects()) {
                versions.newest(projectId).filter(Stored::live).ifPresent(stored -> current.add(stored.version()));
            }
            return current;
        });
    }

    @Override
    public Optional<ManifestVersion> current(String projectId) {
        StoreArguments.projectId(projectId);
        return reading(projectId, () -> versions.newest(projectId).filter(Stored::live).map(Stored::version));
    }

    @Override
    public List<ManifestVersion> versions(String projectId) {
        StoreArguments.projectId(projectId);
        return reading(projectId, () -> versions.all(projectId).stream().map(Stored::version).toList());
    }

    @Override
    public Optional<ManifestVersion> version(String projectId, int number) {
        StoreArguments.projectId(projectId);
        return number < 1 ? Optional.empty() : reading(projectId, () -> versions.read(projectId, number).map(Stored::version));
    }

    @Override
    public ManifestVersion write(String projectId, ObjectNode document, Precondition precondition, VersionInfo info) {
        StoreArguments.projectId(projectId);
        ObjectNode written = StoreArguments.document(projectId, document).deepCopy();
        StoreArguments.writeInfo(info);
        ManifestVersion version = changing(projectId, () -> {
            Optional<Stored> newest = versions.newest(projectId);
            requireHolds(projectId, precondition, newest, false);
            ManifestVersion next = new ManifestVersion(projectId, nextNumber(newest), info.change(), info.author(), now(),
                    info.summary(), written);
            String file = fileName(projectId);
            Map<String, String> replaced = removeFilesHolding(projectId, newest, false);
            Path target = manifestsDir.resolve(file);
            String previous = Files.exists(target) ? Files.readString(target) : null;
            AtomicFiles.write(target, StoredJson.pretty(written));
            try {
                versions.write(new Stored(next, file));
            } catch (IOException e) {
                restore(target, previous, e);
                replaced.forEach((name, text) -> restore(manifestsDir.resolve(name), text, e));
                throw e;
            }
            seen.put(projectId, Head.of(next));
            return next;
        });
        listeners.changed(projectId);
        return version;
    }

    @Override
    public ManifestVersion delete(String projectId, Precondition precondition, VersionInfo info) {
        StoreArguments.projectId(projectId);
        StoreArguments.deleteInfo(info);
        ManifestVersion version = changing(projectId, () -> {
            Optional<Stored> newest = versions.newest(projectId);
            requireHolds(projectId, precondition, newest, true);
            ManifestVersion tombstone = new ManifestVersion(projectId, nextNumber(newest), info.change(), info.author(), now(),
                    info.summary(), null);
            // the files go first: a crash before the tombstone then reads as "removed on disk", not as a resurrection
            Map<String, String> removed = removeFilesHolding(projectId, newest, true);
            try {
                versions.write(new Stored(tombstone, null));
            } catch (IOException e) {
                removed.forEach((name, text) -> restore(manifestsDir.resolve(name), text, e));
                throw e;
            }
            seen.put(projectId, Head.of(tombstone));
            return tombstone;
        });
        listeners.changed(projectId);
        return version;
    }

    @Override
    public boolean purge(String projectId) {
        StoreArguments.projectId(projectId);
        boolean purged = changing(projectId, () -> {
            removeFilesHolding(projectId, versions.newest(projectId), true);
            seen.remove(projectId);
            return versions.purge(projectId);
        });
        if (purged) {
            listeners.changed(projectId);
        }
        return purged;
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /**
     * The files of the manifests folder that are not serving as they are, by file name: not
     * JSON, rejected by the validator, named otherwise than their {@code project_id}, or a second
     * file for one {@code project_id}. For {@code /health}; empty when every file is fine.
     */
    public Map<String, String> problems() {
        return problems;
    }

    @Override
    public void close() {
        closed = true;
        watcher.interrupt();
        closeWatchService();
        try {
            watcher.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeWatchService() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing the manifest folder watch failed", e);
            }
        }
    }

    // ---- the folder scan: what operators changed on disk

    /**
     * Reads every file, reports problems, then settles each project with the folder: new
     * versions for edits, tombstones for removals, and a change notification for every project
     * whose newest version this instance has not told its listeners about (another process's
     * writes included).
     */
    private void scan() throws IOException {
        Map<String, FileState> files = readFolder();
        Map<String, String> found = new TreeMap<>();
        files.values().forEach(state -> {
            if (state.problem() != null) {
                found.put(state.name(), state.problem());
            }
        });
        Set<String> projects = new TreeSet<>(versions.projects());
        projects.addAll(seen.keySet());
        for (FileState state : files.values()) {
            if (state.valid()) {
                projects.add(state.projectId());
                FileState chosen = chosenFile(state.projectId(), files);
                if (chosen != state) {
                    found.put(state.name(), "also holds project_id " + state.projectId() + ", which " + chosen.name()
                            + " serves; ignored");
                }
            }
        }
        publishProblems(found);
        for (String projectId : projects) {
            if (closed) {
                return;
            }
            settle(projectId, files);
        }
    }

    private void settle(String projectId, Map<String, FileState> files) throws IOException {
        Optional<Stored> newest = versions.newest(projectId);
        if (onDisk(projectId, files, newest) == null && Objects.equals(Head.of(newest), seen.get(projectId))) {
            return;
        }
        // something to do: decide again under the lock, from what the files and the history say now
        boolean changed = locks.locked(projectId, () -> {
            Optional<Stored> fresh = versions.newest(projectId);
            Map<String, FileState> now = new LinkedHashMap<>(files);
            for (String name : relevantFiles(projectId, files, fresh)) {
                FileState state = readFile(manifestsDir.resolve(name));
                if (state == null) {
                    now.remove(name);
                } else {
                    now.put(name, state);
                }
            }
            Stored made = onDisk(projectId, now, fresh);
            if (made != null) {
                versions.write(made);
                fresh = Optional.of(made);
                LOG.info("manifest {} version {}: {} ({})", projectId, made.version().number(), made.version().summary(),
                        made.version().author());
            }
            Head head = Head.of(fresh);
            if (Objects.equals(head, seen.get(projectId))) {
                return false;
            }
            if (head == null) {
                seen.remove(projectId);
            } else {
                seen.put(projectId, head);
            }
            return true;
        });
        if (changed) {
            listeners.changed(projectId);
        }
    }

    /** The version the folder calls for when it disagrees with {@code newest}, or null. */
    private Stored onDisk(String projectId, Map<String, FileState> files, Optional<Stored> newest) {
        FileState chosen = chosenFile(projectId, files);
        boolean live = newest.map(Stored::live).orElse(false);
        if (chosen != null) {
            if (live && StoredJson.compact(newest.get().version().document()).equals(StoredJson.compact(chosen.document()))) {
                return null;
            }
            return new Stored(new ManifestVersion(projectId, nextNumber(newest),
                    live ? ManifestVersion.Change.UPDATED : ManifestVersion.Change.CREATED, DISK_AUTHOR_PREFIX + chosen.name(),
                    now(), EDITED_ON_DISK, chosen.document()), chosen.name());
        }
        if (!live || held(projectId, files, newest.get().file())) {
            return null;
        }
        String file = newest.get().file() == null ? fileName(projectId) : newest.get().file();
        return new Stored(new ManifestVersion(projectId, nextNumber(newest), ManifestVersion.Change.DELETED,
                DISK_AUTHOR_PREFIX + file, now(), REMOVED_ON_DISK, null), null);
    }

    /**
     * Whether a file still stands for the project although none serves it: one the validator
     * rejects, or the project's own file, now unreadable. The last valid version keeps serving.
     */
    private static boolean held(String projectId, Map<String, FileState> files, String recordedFile) {
        for (FileState state : files.values()) {
            if (projectId.equals(state.projectId())) {
                return true;
            }
        }
        FileState recorded = recordedFile == null ? null : files.get(recordedFile);
        return recorded != null && recorded.projectId() == null;
    }

    /** The valid file serving the project: {@code <project_id>.json} when it is one of several. */
    private static FileState chosenFile(String projectId, Map<String, FileState> files) {
        FileState chosen = null;
        for (FileState state : files.values()) {
            if (state.valid() && projectId.equals(state.projectId())
                    && (chosen == null || state.name().equals(fileName(projectId)))) {
                chosen = state;
            }
        }
        return chosen;
    }

    private static Set<String> relevantFiles(String projectId, Map<String, FileState> files, Optional<Stored> newest) {
        Set<String> names = new TreeSet<>();
        names.add(fileName(projectId));
        newest.map(Stored::file).ifPresent(names::add);
        FileState chosen = chosenFile(projectId, files);
        if (chosen != null) {
            names.add(chosen.name());
        }
        return names;
    }

    /** Every top-level {@code *.json} file, by name in code point order; hidden files (the store's temp files) are not manifests. */
    private Map<String, FileState> readFolder() throws IOException {
        Map<String, FileState> files = new TreeMap<>();
        try (DirectoryStream<Path> paths = Files.newDirectoryStream(manifestsDir, "*.json")) {
            for (Path path : paths) {
                String name = path.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(path)) {
                    FileState state = readFile(path);
                    if (state != null) {
                        files.put(name, state);
                    }
                }
            }
        }
        lastRead.keySet().retainAll(files.keySet());
        return files;
    }

    /** What one file holds, or null when it is gone. */
    private FileState readFile(Path path) {
        String name = path.getFileName().toString();
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (CharacterCodingException e) {
            return FileState.broken(name, "not UTF-8 text");
        } catch (IOException e) {
            return FileState.broken(name, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        ReadFile last = lastRead.get(name);
        if (last != null && last.text().equals(text)) {
            return last.state();
        }
        FileState state = parse(name, text);
        lastRead.put(name, new ReadFile(text, state));
        return state;
    }

    private FileState parse(String name, String text) {
        ObjectNode document;
        try {
            document = StoredJson.parseObject(text);
        } catch (JsonProcessingException e) {
            return FileState.broken(name, syntaxProblem(e));
        }
        String projectId = projectIdIn(name, document);
        if (!StoreArguments.usableProjectId(projectId)) {
            return FileState.broken(name, "its project_id is not a usable id (1 to 64 letters, digits, '_' and '-')");
        }
        List<String> errors = validate(document);
        if (!errors.isEmpty()) {
            return new FileState(name, projectId, null, "not a valid manifest: " + summary(errors));
        }
        String problem = name.equals(fileName(projectId)) ? null
                : "holds project_id " + projectId + ": served as " + projectId + "; rename the file to " + fileName(projectId);
        return new FileState(name, projectId, document, problem);
    }

    private List<String> validate(ObjectNode document) {
        try {
            List<String> errors = validator.apply(document.deepCopy());
            return errors == null ? List.of() : errors;
        } catch (RuntimeException e) {
            LOG.warn("the manifest validator failed", e);
            return List.of("the validator failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Where the syntax breaks, never the text there: a broken line may hold a secret. */
    private static String syntaxProblem(JsonProcessingException e) {
        if (e instanceof StoredJson.NotAnObjectException) {
            return "not a JSON object";
        }
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field")) {
            return "a key appears twice" + where + " (" + message.substring("Duplicate field".length()).trim() + ")";
        }
        return "not valid JSON" + where;
    }

    private static String summary(List<String> errors) {
        String shown = String.join("; ", errors.subList(0, Math.min(REPORTED_ERRORS, errors.size())));
        return errors.size() > REPORTED_ERRORS ? shown + "; and " + (errors.size() - REPORTED_ERRORS) + " more" : shown;
    }

    private void publishProblems(Map<String, String> found) {
        Map<String, String> before = problems;
        problems = Map.copyOf(found);
        found.forEach((file, reason) -> {
            if (!reason.equals(before.get(file))) {
                LOG.warn("manifests folder {}: {}: {}", manifestsDir, file, reason);
                try {
                    problemListener.accept(file, reason);
                } catch (RuntimeException e) {
                    LOG.warn("the manifest problem listener failed for {}", file, e);
                }
            }
        });
        before.keySet().stream().filter(file -> !found.containsKey(file))
                .forEach(file -> LOG.info("manifests folder {}: {} is fine now", manifestsDir, file));
    }

    // ---- the watcher thread

    private void watch() {
        while (!closed) {
            try {
                awaitFolderChange();
                if (!closed) {
                    scan();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("reading the manifests folder {} failed; trying again in {}", manifestsDir, pollInterval, e);
                }
            }
        }
    }

    /** Returns when the folders changed and then stayed quiet for a moment, or after {@code pollInterval}. */
    private void awaitFolderChange() throws InterruptedException {
        if (watchService == null) {
            Thread.sleep(pollInterval.toMillis());
            return;
        }
        WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        Instant deadline = Instant.now().plus(MAX_SETTLE);
        while (key != null) {
            key.pollEvents();
            key.reset();
            if (Instant.now().isAfter(deadline)) {
                return;
            }
            key = watchService.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The manifests folder for edits, the history folder for other processes' new projects and
     * purges; without a watch service (some network file systems) the poll alone finds changes.
     */
    private WatchService watchFolders(Path historyDir) {
        try {
            WatchService service = manifestsDir.getFileSystem().newWatchService();
            manifestsDir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            historyDir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("no watch service for {} ({}); reading it every {}", manifestsDir, e, pollInterval);
            return null;
        }
    }

    // ---- helpers

    private void requireManifestsDirUnlessEmpty() throws IOException {
        if (Files.isDirectory(manifestsDir)) {
            return;
        }
        for (String projectId : versions.projects()) {
            if (versions.newest(projectId).map(Stored::live).orElse(false)) {
                throw new IllegalStateException("the manifests folder " + manifestsDir + " does not exist, but the history has live"
                        + " manifests (" + projectId + ", ...): check dsp.control-tower.store.manifests-dir, or create the folder"
                        + " to delete them");
            }
        }
    }

    /**
     * Takes the project's files out of the manifests folder and returns what they held, to
     * restore. A write removes only the file that served the project under another name (it now
     * lives in {@code <project_id>.json}); a delete or purge removes every file holding the
     * project, or the next scan would bring it back. A file that now holds another project stays.
     */
    private Map<String, String> removeFilesHolding(String projectId, Optional<Stored> newest, boolean everyCopy) throws IOException {
        String recorded = newest.map(Stored::file).orElse(null);
        Set<String> names = new TreeSet<>();
        if (recorded != null) {
            names.add(recorded);
        }
        if (everyCopy) {
            try (DirectoryStream<Path> paths = Files.newDirectoryStream(manifestsDir, "*.json")) {
                for (Path path : paths) {
                    names.add(path.getFileName().toString());
                }
            }
        } else {
            names.remove(fileName(projectId));
        }
        Map<String, String> removed = new LinkedHashMap<>();
        for (String name : names) {
            Path path = manifestsDir.resolve(name);
            try {
                String text = Files.readString(path);
                String holds = projectIdIn(name, text);
                if (projectId.equals(holds) || (holds == null && name.equals(recorded))) {
                    Files.delete(path);
                    removed.put(name, text);
                }
            } catch (NoSuchFileException e) {
                // gone already
            }
        }
        return removed;
    }

    /** The project a file's text stands for (its project_id, else its name), or null when it is not a JSON object. */
    private static String projectIdIn(String fileName, String text) {
        try {
            return projectIdIn(fileName, StoredJson.parseObject(text));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String projectIdIn(String fileName, ObjectNode document) {
        JsonNode declared = document.get("project_id");
        return declared == null ? stem(fileName) : declared.asText();
    }

    /** Best effort after a failed write: the folder goes back to what it was, so a scan does not take the half-done write for an edit. */
    private static void restore(Path file, String text, IOException failure) {
        try {
            if (text == null) {
                Files.deleteIfExists(file);
            } else {
                AtomicFiles.write(file, text);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void requireHolds(String projectId, Precondition precondition, Optional<Stored> newest, boolean delete) {
        int current = newest.filter(Stored::live).map(stored -> stored.version().number()).orElse(0);
        if (!precondition.holds(current) || (delete && current == 0)) {
            throw new VersionConflictException(projectId, precondition, current);
        }
    }

    private static int nextNumber(Optional<Stored> newest) {
        return newest.map(stored -> stored.version().number()).orElse(0) + 1;
    }

    /** Microseconds, as PostgreSQL keeps them, so both stores give the same times back. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String fileName(String projectId) {
        return projectId + ".json";
    }

    private static String stem(String fileName) {
        return fileName.substring(0, fileName.length() - ".json".length());
    }

    private static Duration requirePositive(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive, was " + interval);
        }
        return interval;
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    private <T> T reading(String what, Io<T> read) {
        try {
            return read.run();
        } catch (IOException e) {
            throw new ManifestStoreException("cannot read " + what + " from " + manifestsDir, e);
        }
    }

    private <T> T changing(String projectId, ProjectLock.Action<T> change) {
        try {
            return locks.locked(projectId, change);
        } catch (IOException e) {
            throw new ManifestStoreException("cannot change manifest " + projectId + " in " + manifestsDir, e);
        }
    }

    /**
     * One file of the manifests folder: its project id (null when unknown), its document when it
     * can serve (parsed and valid), and the problem to report, if any (a misnamed file serves and
     * has one).
     */
    private record FileState(String name, String projectId, ObjectNode document, String problem) {

        static FileState broken(String name, String problem) {
            return new FileState(name, null, null, problem);
        }

        boolean valid() {
            return document != null;
        }
    }

    private record ReadFile(String text, FileState state) {
    }

    /** The newest version as listeners know it: the number alone would miss a purge and re-create to the same number. */
    private record Head(int number, Instant createdAt) {

        static Head of(ManifestVersion version) {
            return new Head(version.number(), version.createdAt());
        }

        static Head of(Optional<Stored> newest) {
            return newest.map(stored -> of(stored.version())).orElse(null);
        }
    }
}
