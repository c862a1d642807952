package ai.dsp.platform.app.errors;

/** What went wrong at the bottom of a chain of wrapped exceptions, in one line, for a log or a report. */
public final class RootCause {

    private RootCause() {
    }

    public static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().lines().findFirst().orElse("");
    }
}
