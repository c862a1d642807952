package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/** The checks both stores make on what a caller hands them, so that both refuse the same things. */
final class StoreArguments {

    private StoreArguments() {
    }

    static boolean usableProjectId(String projectId) {
        return projectId != null && ManifestStore.PROJECT_ID.matcher(projectId).matches();
    }

    static String projectId(String projectId) {
        if (!usableProjectId(projectId)) {
            throw new IllegalArgumentException("a project id is 1 to 64 letters, digits, '_' and '-', starting with a letter or digit");
        }
        return projectId;
    }

    static ObjectNode document(String projectId, ObjectNode document) {
        Objects.requireNonNull(document, "document");
        JsonNode declared = document.get("project_id");
        if (declared != null && !projectId.equals(declared.asText())) {
            throw new IllegalArgumentException("the document's project_id is not " + projectId);
        }
        return document;
    }

    static VersionInfo writeInfo(VersionInfo info) {
        checked(info);
        if (info.change() == ManifestVersion.Change.DELETED) {
            throw new IllegalArgumentException("a DELETED version is written by delete(), not write()");
        }
        return info;
    }

    static VersionInfo deleteInfo(VersionInfo info) {
        checked(info);
        if (info.change() != ManifestVersion.Change.DELETED) {
            throw new IllegalArgumentException("delete() writes a DELETED version, not " + info.change());
        }
        return info;
    }

    private static void checked(VersionInfo info) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(info.change(), "info.change");
        Objects.requireNonNull(info.author(), "info.author");
    }
}
