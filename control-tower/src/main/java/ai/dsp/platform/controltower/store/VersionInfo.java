package ai.dsp.platform.controltower.store;

/** Who wrote a version and why: the token's subject, the kind of change and a line saying what changed. */
public record VersionInfo(ManifestVersion.Change change, String author, String summary) {
}
