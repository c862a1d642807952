package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Where manifests and every version of them live: files in {@code manifests/} (the default,
 * {@link FileManifestStore}) or PostgreSQL ({@link JdbcManifestStore}). A store knows versions and
 * preconditions, not manifests: validation and summaries are the caller's ({@code ManifestService});
 * the store stamps each version's time. Every write is a new immutable version numbered from 1; a
 * delete is a version too (a tombstone), so the history stays until {@link #purge}. Documents come
 * back exactly as written: key order, unknown keys and nested values. Both stores pass one contract
 * suite ({@code ManifestStoreContract}).
 *
 * <p>Project ids are the manifest's {@code project_id}: 1 to 64 letters, digits, {@code _} and
 * {@code -}, starting with a letter or digit (they are file names in the file store); any other id
 * is refused with {@link IllegalArgumentException}, as is a document whose {@code project_id}
 * names another project. A store that cannot reach its disk or database throws
 * {@link ManifestStoreException}.
 */
public interface ManifestStore extends AutoCloseable {

    /** A project id: 1-64 letters, digits, {@code _} and {@code -}, starting with a letter or digit (safe as a file name). */
    Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /** The newest version of every manifest that is not deleted, ordered by project id (code point order). */
    List<ManifestVersion> current();

    /** The newest version, unless there is none or it is a delete. */
    Optional<ManifestVersion> current(String projectId);

    /** Every version, oldest first, tombstones included; empty if the id never had one or was purged. */
    List<ManifestVersion> versions(String projectId);

    /** One version, a tombstone included, unless it never existed or was purged. */
    Optional<ManifestVersion> version(String projectId, int number);

    /**
     * Stores {@code document} as the next version when {@code precondition} holds at that moment
     * (checked and written atomically: of two writers expecting the same version exactly one wins).
     * {@code info.change()} must not be {@link ManifestVersion.Change#DELETED}: that is {@link #delete}.
     *
     * @throws VersionConflictException when it does not hold
     */
    ManifestVersion write(String projectId, ObjectNode document, Precondition precondition, VersionInfo info);

    /**
     * A tombstone version ({@code info.change()} must be {@link ManifestVersion.Change#DELETED}):
     * the manifest is no longer current, its history stays.
     *
     * @throws VersionConflictException when {@code precondition} does not hold (an absent manifest never matches)
     */
    ManifestVersion delete(String projectId, Precondition precondition, VersionInfo info);

    /** Removes every version; true when there was one. */
    boolean purge(String projectId);

    /**
     * {@code listener} hears the project id of every change: this process's writes, other
     * replicas' (PostgreSQL NOTIFY), and edits on disk (the file store), within about a second.
     * Changes close together may be heard once. Listeners run on the writing thread or on the
     * store's own: they should be quick, and one that throws does not keep the others from hearing.
     */
    void onChange(Consumer<String> listener);

    /** Stops the store's background thread (folder watcher or notification listener); the store is not used afterwards. */
    @Override
    void close();
}
