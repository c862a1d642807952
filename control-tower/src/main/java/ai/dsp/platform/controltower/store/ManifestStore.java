package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where manifests and every version of them live: files in {@code manifests/} (the default) or
 * PostgreSQL. A store knows versions and preconditions, not manifests: validation, timestamps
 * and summaries are the caller's ({@code ManifestService}). Every write is a new immutable
 * version numbered from 1; a delete is a version too (a tombstone), so the history stays until
 * {@link #purge}. Both stores pass one contract suite.
 */
public interface ManifestStore {

    /** The newest version of every manifest that is not deleted, by project id. */
    List<ManifestVersion> current();

    /** The newest version, unless there is none or it is a delete. */
    Optional<ManifestVersion> current(String projectId);

    /** Every version, oldest first, tombstones included; empty if the id never had one or was purged. */
    List<ManifestVersion> versions(String projectId);

    Optional<ManifestVersion> version(String projectId, int number);

    /**
     * Stores {@code document} as the next version when {@code precondition} holds at that moment
     * (checked and written atomically: of two writers expecting the same version exactly one wins).
     *
     * @throws VersionConflictException when it does not hold
     */
    ManifestVersion write(String projectId, ObjectNode document, Precondition precondition, VersionInfo info);

    /**
     * A tombstone version: the manifest is no longer current, its history stays.
     *
     * @throws VersionConflictException when {@code precondition} does not hold (an absent manifest never matches)
     */
    ManifestVersion delete(String projectId, Precondition precondition, VersionInfo info);

    /** Removes every version; true when there was one. */
    boolean purge(String projectId);

    /**
     * {@code listener} hears the project id of every change: this process's writes, other
     * replicas' (PostgreSQL NOTIFY), and edits on disk (the file store), within about a second.
     */
    void onChange(Consumer<String> listener);
}
