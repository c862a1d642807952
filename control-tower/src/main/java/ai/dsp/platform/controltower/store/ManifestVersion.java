package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * One immutable version of a manifest. {@code document} is the manifest as it was stored (null
 * for a {@link Change#DELETED} tombstone); callers get a copy they may change.
 */
public record ManifestVersion(String projectId, int number, Change change, String author, Instant createdAt, String summary,
                              ObjectNode document) {

    /** What a version did; the names are those of the events ({@code manifest.created}, ...). */
    public enum Change {
        CREATED, UPDATED, DELETED, ROLLED_BACK;

        public String eventType() {
            return "manifest." + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ManifestVersion {
        document = document == null ? null : document.deepCopy();
    }

    @Override
    public ObjectNode document() {
        return document == null ? null : document.deepCopy();
    }

    public boolean deleted() {
        return change == Change.DELETED;
    }
}
