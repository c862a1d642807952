package ai.dsp.platform.controltower.store;

/**
 * What must be true of a manifest's newest version for a write to go ahead: nothing
 * ({@link #any()}, the seed's clients that send no {@code If-Match}), that there is no current
 * manifest ({@link #absent()}, a create; a deleted one counts as absent and its history goes
 * on), or that the current one is version {@code n} ({@link #version}, {@code If-Match}).
 */
public record Precondition(Kind kind, int version) {

    public enum Kind { ANY, ABSENT, PRESENT, VERSION }

    public static Precondition any() {
        return new Precondition(Kind.ANY, 0);
    }

    /** There is no current manifest (create). */
    public static Precondition absent() {
        return new Precondition(Kind.ABSENT, 0);
    }

    /** There is a current manifest, whichever version (update or delete without If-Match). */
    public static Precondition present() {
        return new Precondition(Kind.PRESENT, 0);
    }

    public static Precondition version(int number) {
        return new Precondition(Kind.VERSION, number);
    }

    /** Whether the precondition holds when the current (not deleted) version is {@code current}, or 0 when there is none. */
    public boolean holds(int current) {
        return switch (kind) {
            case ANY -> true;
            case ABSENT -> current == 0;
            case PRESENT -> current > 0;
            case VERSION -> current == version;
        };
    }
}
