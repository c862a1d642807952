package ai.dsp.platform.lucene;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * One on-disk Lucene index with a single writer and near-real-time searchers. A {@link #write}
 * is committed (durable) and refreshed (visible) before it returns, so callers get
 * read-your-writes without managing commits.
 * <p>
 * Writers share commits (group commit): each commit flushes a segment, fsyncs it and reopens
 * the searcher, which costs tens of milliseconds and grows with merging, so one commit per
 * document would bound ingestion to a few dozen documents a second. A write therefore waits
 * until {@code commitInterval} has passed since the last commit, and every change applied by
 * then is committed and made visible at once. Thread-safe; {@link #close} waits for in-flight
 * reads and writes and is idempotent.
 */
public final class LuceneIndex implements Closeable {

    /** A change to apply through the writer. */
    @FunctionalInterface
    public interface Write {
        void apply(IndexWriter writer) throws IOException;
    }

    /** A read against one point-in-time searcher. */
    @FunctionalInterface
    public interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final long commitIntervalNanos;
    // Reads and writes share the lock; close takes it exclusively so it never pulls the writer
    // out from under an operation that already started.
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    // Sequence of changes applied to the writer; a change is durable once committedThrough reaches it.
    private final AtomicLong applied = new AtomicLong();
    private final Object commitLock = new Object();
    private long committedThrough;
    private long lastCommitNanos = System.nanoTime();

    private LuceneIndex(Directory directory, IndexWriter writer, SearcherManager searchers, Duration commitInterval) {
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.commitIntervalNanos = commitInterval.toNanos();
    }

    /**
     * Opens the index at {@code dir}, creating the directory and an empty committed index if absent.
     *
     * @param commitInterval least time between two commits; writes in between share the next one
     */
    public static LuceneIndex open(Path dir, Analyzer analyzer, Duration commitInterval) {
        if (commitInterval.isNegative()) {
            throw new IllegalArgumentException("commit interval must not be negative: " + commitInterval);
        }
        try {
            Files.createDirectories(dir);
            Directory directory = FSDirectory.open(dir);
            IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    // Commits and refreshes must not wait for merges of the segments they flush:
                    // merging (and rebuilding HNSW graphs) belongs in the background merge threads.
                    .setMaxFullFlushMergeWaitMillis(0));
            // An initial commit makes a new index discoverable on disk even before its first write.
            writer.commit();
            return new LuceneIndex(directory, writer, new SearcherManager(writer, null), commitInterval);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open Lucene index at " + dir, e);
        }
    }

    /** Whether {@code dir} holds a committed Lucene index. */
    public static boolean existsAt(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Directory directory = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inspect " + dir, e);
        }
    }

    /** Applies {@code change}, commits it and makes it visible to subsequent reads. */
    public void write(Write change) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            commitThrough(apply(change));
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene write failed", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Applies {@code change} without waiting: it becomes visible and durable with the next
     * commit (a later {@link #write}'s, or {@link #close}'s). For changes a reader may see late
     * and a crash may lose, such as progress markers.
     */
    public void stage(Write change) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            apply(change);
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene write failed", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    public <T> T read(Read<T> query) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            IndexSearcher searcher = searchers.acquire();
            try {
                return query.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Lucene read failed", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** False once the writer hit a tragic exception (e.g. disk full mid-flush) or the index is closed. */
    public boolean healthy() {
        return writer.isOpen() && writer.getTragicException() == null;
    }

    /** Commits pending changes and releases the writer, searchers and directory. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (directory; writer; searchers) {
                if (healthy()) {
                    writer.commit();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close Lucene index", e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private long apply(Write change) throws IOException {
        change.apply(writer);
        // Numbered only once applied, so a commit that reads the counter covers every change up to it.
        return applied.incrementAndGet();
    }

    /**
     * Returns once {@code change} is committed and visible. The first writer to find the interval
     * over commits for everyone; the others find their change covered and return.
     */
    private void commitThrough(long change) throws IOException {
        synchronized (commitLock) {
            awaitCommitDue(change);
            if (committedThrough >= change) {
                return;
            }
            long through = applied.get();
            writer.commit();
            searchers.maybeRefreshBlocking();
            committedThrough = through;
            lastCommitNanos = System.nanoTime();
            commitLock.notifyAll();
        }
    }

    // Called holding commitLock; waiting releases it, so other writers can join this commit.
    private void awaitCommitDue(long change) {
        long remaining = lastCommitNanos + commitIntervalNanos - System.nanoTime();
        while (committedThrough < change && remaining > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(commitLock, remaining);
            } catch (InterruptedException e) {
                // Shutting down: commit now rather than leave the change unacknowledged.
                Thread.currentThread().interrupt();
                return;
            }
            remaining = lastCommitNanos + commitIntervalNanos - System.nanoTime();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Lucene index is closed");
        }
    }
}
