package ai.dsp.platform.controltower.store;

/**
 * A write whose {@link Precondition} did not hold. {@code current} is the number of the current
 * version, 0 when there is no current manifest; the HTTP layer answers 404, 409 or 412 from it.
 */
public class VersionConflictException extends RuntimeException {

    private final String projectId;
    private final Precondition precondition;
    private final int current;

    public VersionConflictException(String projectId, Precondition precondition, int current) {
        super(message(projectId, precondition, current));
        this.projectId = projectId;
        this.precondition = precondition;
        this.current = current;
    }

    public String projectId() {
        return projectId;
    }

    public Precondition precondition() {
        return precondition;
    }

    public int current() {
        return current;
    }

    private static String message(String projectId, Precondition precondition, int current) {
        if (current == 0) {
            return "no manifest has the project_id " + projectId;
        }
        return switch (precondition.kind()) {
            case ABSENT -> "a manifest with the project_id " + projectId + " exists (version " + current + ")";
            case VERSION -> "manifest " + projectId + " is at version " + current + ", not " + precondition.version();
            default -> "manifest " + projectId + " changed (version " + current + ")";
        };
    }
}
