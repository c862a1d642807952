package ai.dsp.platform.app.controltower;

import ai.dsp.platform.controltower.store.ManifestVersion;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * What the notify route announces of a manifest: a change ({@code manifest.created|updated|deleted|rolled_back})
 * or a file in the manifests folder that cannot be served ({@code manifest.invalid}). Ids and the
 * summary only, never the manifest, so no value of it (resolved or not) reaches a listener.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestEvent(String type, String projectId, Integer version, String author, String summary, String file, Instant time) {

    static final String INVALID = "manifest.invalid";

    static ManifestEvent of(ManifestVersion version) {
        return new ManifestEvent(version.change().eventType(), version.projectId(), version.number(), version.author(), version.summary(),
                null, version.createdAt());
    }

    /** The Kafka key: the project, or for an invalid file the file. */
    public String key() {
        return projectId != null ? projectId : file;
    }

    static ManifestEvent invalidFile(String file, String reason, Instant time) {
        return new ManifestEvent(INVALID, null, null, null, reason, file, time);
    }
}
