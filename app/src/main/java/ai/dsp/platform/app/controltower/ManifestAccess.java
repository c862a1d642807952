package ai.dsp.platform.app.controltower;

import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.app.security.SecurityConfiguration;

import java.util.List;

/**
 * Who may do what with a project's manifest. Every authenticated caller reads (secrets masked);
 * writing takes the admin role or the role {@code manifest-writer:<project>}; reading with
 * placeholders resolved takes admin or {@code manifest-resolver:<project>}; {@code *} stands for
 * every project. The seed's superuser ({@code X-DSPAI-Client-Secret}) is an admin here.
 */
final class ManifestAccess {

    static final String WRITER = "manifest-writer:";
    static final String RESOLVER = "manifest-resolver:";

    private ManifestAccess() {
    }

    static void requireWrite(Caller caller, String projectId) {
        if (!mayWrite(caller, projectId)) {
            throw new ForbiddenException("writing manifest " + projectId + " takes the admin role or " + WRITER + projectId);
        }
    }

    static void requireResolve(Caller caller, String projectId) {
        if (!mayResolve(caller, projectId)) {
            throw new ForbiddenException("reading manifest " + projectId + " with resolve_env takes the admin role or " + RESOLVER + projectId);
        }
    }

    static void requireAdmin(Caller caller, String what) {
        if (!isAdmin(caller)) {
            throw new ForbiddenException(what + " takes the admin role");
        }
    }

    static boolean mayWrite(Caller caller, String projectId) {
        return isAdmin(caller) || granted(caller.roles(), WRITER, projectId);
    }

    /** Writers see what they write, so they read unmasked too. */
    static boolean maySeeSecrets(Caller caller, String projectId) {
        return mayWrite(caller, projectId) || mayResolve(caller, projectId);
    }

    static boolean mayResolve(Caller caller, String projectId) {
        return isAdmin(caller) || granted(caller.roles(), RESOLVER, projectId);
    }

    private static boolean isAdmin(Caller caller) {
        return caller.roles().contains(SecurityConfiguration.ADMIN);
    }

    private static boolean granted(List<String> roles, String prefix, String projectId) {
        return roles.contains(prefix + projectId) || roles.contains(prefix + "*");
    }
}
