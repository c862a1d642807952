package ai.dsp.platform.store.lucene;

import ai.dsp.platform.lucene.LuceneIndex;
import ai.dsp.platform.store.EmbeddingSpace;
import ai.dsp.platform.store.StoreUnavailableException;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.Term;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * One collection's indexes under {@code root/<collection>/}: the live one and, while the
 * collection changes embedding model, the one being built. Each index is a folder named by its
 * model ({@link EmbeddingSpace#slug()}); the file {@code LIVE} names the live one's model and
 * dimensions, and moving it (one atomic rename) is the swap. A folder holding index files itself
 * and no {@code LIVE} is an index written before models were chosen per collection, live with
 * the model such indexes were made with. Any other folder found at open is a build a stop cut
 * short, and is removed: the rebuild starts again when the collection is next used.
 * <p>
 * Reads and writes run under a shared lock that the swap takes exclusively, so no operation ever
 * holds an index the swap closed. Thread-safe.
 */
final class CollectionIndexes implements Closeable {

    static final String LIVE = "LIVE";

    /** An index and the model of its vectors. */
    record Slot(LuceneIndex index, EmbeddingSpace space, Path dir) {
    }

    @FunctionalInterface
    interface SlotRead<T> {
        T apply(Slot slot);
    }

    private final Path dir;
    private final Analyzer analyzer;
    private final Duration commitInterval;
    private final ReadWriteLock swap = new ReentrantReadWriteLock();
    // Serialises the rebuild's copies with writes to the new index, so a copy never overwrites a newer write.
    private final Object copies = new Object();
    private volatile Slot live;
    private volatile Slot building;
    private final Set<String> changedDuringBuild = ConcurrentHashMap.newKeySet();

    private CollectionIndexes(Path dir, Analyzer analyzer, Duration commitInterval, Slot live) {
        this.dir = dir;
        this.analyzer = analyzer;
        this.commitInterval = commitInterval;
        this.live = live;
    }

    /** Whether {@code dir} holds a collection's live index (either layout). */
    static boolean existsAt(Path dir) {
        return Files.isRegularFile(dir.resolve(LIVE)) || LuceneIndex.existsAt(dir);
    }

    /**
     * Opens the collection's live index, creating it in {@code space} when there is none.
     *
     * @param unrecorded the model of an index that names none
     */
    static CollectionIndexes open(Path dir, EmbeddingSpace space, EmbeddingSpace unrecorded, Analyzer analyzer, Duration commitInterval) {
        try {
            Files.createDirectories(dir);
            Path liveFile = dir.resolve(LIVE);
            Slot live;
            if (Files.isRegularFile(liveFile)) {
                EmbeddingSpace recorded = readSpace(liveFile);
                Path indexDir = dir.resolve(recorded.slug());
                live = new Slot(LuceneIndex.open(indexDir, analyzer, commitInterval), recorded, indexDir);
            } else if (LuceneIndex.existsAt(dir)) {
                live = new Slot(LuceneIndex.open(dir, analyzer, commitInterval), unrecorded, dir);
            } else {
                removeFolders(dir, null);
                Path indexDir = dir.resolve(space.slug());
                live = new Slot(LuceneIndex.open(indexDir, analyzer, commitInterval), space, indexDir);
                recordSpace(liveFile, space);
            }
            removeFolders(dir, live.dir());
            return new CollectionIndexes(dir, analyzer, commitInterval, live);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the indexes of collection folder " + dir, e);
        }
    }

    String collection() {
        return dir.getFileName().toString();
    }

    EmbeddingSpace liveSpace() {
        return live.space();
    }

    /** The model new chunks must be embedded with: the building index's while there is one. */
    EmbeddingSpace writeSpace() {
        Slot next = building;
        return next != null ? next.space() : live.space();
    }

    boolean isBuilding() {
        return building != null;
    }

    /** Reads the live index's searcher. */
    <T> T read(LuceneIndex.Read<T> read) {
        swap.readLock().lock();
        try {
            return live.index().read(read);
        } finally {
            swap.readLock().unlock();
        }
    }

    /**
     * Reads the index whose vectors are in {@code space}: the live one (null means it too) or the
     * one being built.
     *
     * @throws StoreUnavailableException when neither is in {@code space} (swapped out meanwhile)
     */
    <T> T readVectors(EmbeddingSpace space, SlotRead<T> read) {
        swap.readLock().lock();
        try {
            Slot next = building;
            if (space == null || live.space().equals(space)) {
                return read.apply(live);
            }
            if (next != null && next.space().equals(space)) {
                return read.apply(next);
            }
            throw new StoreUnavailableException("collection '" + collection() + "' holds no index in " + space.slug()
                    + " any more (its model changed): embed the query again");
        } finally {
            swap.readLock().unlock();
        }
    }

    /**
     * Applies a change of one document: to the live index, or while a build runs to the new
     * index, with {@code fromLive} removing the document's old chunks from the live one (they are
     * in the old model, and the copy must not bring them over).
     */
    void write(String documentId, LuceneIndex.Write change, LuceneIndex.Write fromLive) {
        swap.readLock().lock();
        try {
            Slot next = building;
            if (next == null) {
                live.index().write(change);
                return;
            }
            synchronized (copies) {
                changedDuringBuild.add(documentId);
                next.index().write(change);
            }
            live.index().write(fromLive);
        } finally {
            swap.readLock().unlock();
        }
    }

    /**
     * Starts building an empty index for {@code space}; false when a build already runs. It waits
     * for the writes under way, so every write the copy's list of documents misses goes to the new
     * index itself.
     */
    boolean startBuild(EmbeddingSpace space) {
        swap.writeLock().lock();
        try {
            if (building != null) {
                return false;
            }
            Path indexDir = dir.resolve(space.slug());
            deleteTree(indexDir);
            changedDuringBuild.clear();
            building = new Slot(LuceneIndex.open(indexDir, analyzer, commitInterval), space, indexDir);
            return true;
        } finally {
            swap.writeLock().unlock();
        }
    }

    /**
     * Writes copied documents into the new index, leaving out those written or deleted since the
     * build began (their copies are older than what the new index holds); returns how many it wrote.
     */
    int copy(Map<String, List<Document>> documents) {
        synchronized (copies) {
            Slot next = building;
            if (next == null) {
                throw new IllegalStateException("no build is running in " + dir);
            }
            Map<String, List<Document>> unchanged = new LinkedHashMap<>(documents);
            unchanged.keySet().removeAll(changedDuringBuild);
            next.index().write(writer -> {
                for (Map.Entry<String, List<Document>> document : unchanged.entrySet()) {
                    writer.updateDocuments(new Term(ChunkDocuments.DOCUMENT_ID, document.getKey()), document.getValue());
                }
            });
            return unchanged.size();
        }
    }

    /** Whether the document changed since the build began, so its copy must be left out. */
    boolean changedSinceBuildBegan(String documentId) {
        return changedDuringBuild.contains(documentId);
    }

    /** Makes the built index live, then closes and removes the old one. */
    void swap() {
        Slot old;
        swap.writeLock().lock();
        try {
            Slot next = building;
            if (next == null) {
                throw new IllegalStateException("no build is running in " + dir);
            }
            recordSpace(dir.resolve(LIVE), next.space());
            old = live;
            live = next;
            building = null;
            old.index().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make the new index of " + dir + " live", e);
        } finally {
            swap.writeLock().unlock();
        }
        if (old.dir().equals(dir)) {
            deleteIndexFiles(dir);
        } else {
            deleteTree(old.dir());
        }
    }

    /** Drops an unfinished build; the live index stays as it was. */
    void abandonBuild() {
        swap.writeLock().lock();
        try {
            Slot next = building;
            building = null;
            if (next != null) {
                next.index().close();
                deleteTree(next.dir());
            }
        } finally {
            swap.writeLock().unlock();
        }
    }

    boolean healthy() {
        Slot next = building;
        return live.index().healthy() && (next == null || next.index().healthy());
    }

    /** Closes the live index; a build under way is dropped (it would be removed at the next open anyway). */
    @Override
    public void close() {
        abandonBuild();
        swap.writeLock().lock();
        try {
            live.index().close();
        } finally {
            swap.writeLock().unlock();
        }
    }

    private static EmbeddingSpace readSpace(Path liveFile) throws IOException {
        String[] parts = Files.readString(liveFile, StandardCharsets.UTF_8).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].matches("\\d{1,5}")) {
            throw new IOException(liveFile + " does not name a model and its dimensions");
        }
        return new EmbeddingSpace(parts[0], Integer.parseInt(parts[1]));
    }

    /** Replaces the file in one rename, so a crash leaves the old or the new content, never half. */
    private static void recordSpace(Path liveFile, EmbeddingSpace space) throws IOException {
        Path temporary = liveFile.resolveSibling(LIVE + ".next");
        Files.writeString(temporary, space.model() + " " + space.dimensions() + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, liveFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the sub-folders of {@code dir} other than {@code keep}: builds a stop cut short, or a live index's predecessor. */
    private static void removeFolders(Path dir, Path keep) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isDirectory).filter(child -> !child.equals(keep)).forEach(CollectionIndexes::deleteTree);
        }
    }

    /** The files of an index kept directly in the collection folder (the first layout), after it was replaced. */
    private static void deleteIndexFiles(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isRegularFile).toList()) {
                if (!child.getFileName().toString().startsWith(LIVE)) {
                    Files.deleteIfExists(child);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the replaced index files in " + dir, e);
        }
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + path, e);
        }
    }
}
