package ai.dsp.platform.controltower.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to one project's files, across the threads of this JVM and other processes:
 * an OS file lock on {@code <history>/.locks/<project_id>.lock}, taken under a JVM-wide lock for
 * the same file, because the OS lock belongs to the process (a second thread, or a second store
 * on the same folders, would get {@link java.nio.channels.OverlappingFileLockException} instead
 * of waiting). The lock files stay when a project is purged: a waiter may hold the old one open,
 * and a new file beside it would let two writers in.
 */
final class ProjectLock {

    /** Keyed by the real path of the lock file, so two stores naming one folder differently share the lock. */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path lockDir;

    ProjectLock(Path historyDir) throws IOException {
        this.lockDir = Files.createDirectories(historyDir.resolve(".locks")).toRealPath();
    }

    interface Action<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding the project's lock; not reentrant. */
    <T> T locked(String projectId, Action<T> action) throws IOException {
        Path file = lockDir.resolve(projectId + ".lock");
        ReentrantLock local = IN_PROCESS.computeIfAbsent(file, key -> new ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            local.unlock();
        }
    }
}
