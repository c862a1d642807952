package ai.dsp.platform.lucene;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * One on-disk Lucene index with a single writer and near-real-time searchers. Every write is
 * committed (durable) and refreshed (visible) before {@link #write} returns, so callers get
 * read-your-writes without managing commits. Thread-safe; {@link #close} waits for in-flight
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
    // Reads and writes share the lock; close takes it exclusively so it never pulls the writer
    // out from under an operation that already started.
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private LuceneIndex(Directory directory, IndexWriter writer, SearcherManager searchers) {
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
    }

    /** Opens the index at {@code dir}, creating the directory and an empty committed index if absent. */
    public static LuceneIndex open(Path dir, Analyzer analyzer) {
        try {
            Files.createDirectories(dir);
            Directory directory = FSDirectory.open(dir);
            IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
            // An initial commit makes a new index discoverable on disk even before its first write.
            writer.commit();
            return new LuceneIndex(directory, writer, new SearcherManager(writer, null));
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
            change.apply(writer);
            writer.commit();
            searchers.maybeRefreshBlocking();
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

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Lucene index is closed");
        }
    }
}
