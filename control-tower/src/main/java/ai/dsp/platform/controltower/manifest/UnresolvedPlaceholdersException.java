package ai.dsp.platform.controltower.manifest;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A manifest read with {@code resolve_env=true} holds placeholders that resolve to nothing: every
 * one is listed (its JSON pointer and the placeholder as written, never a value), so one answer
 * (422) tells the operator all that is missing. The seed left them in place, or failed with 500.
 */
public class UnresolvedPlaceholdersException extends RuntimeException {

    /** One placeholder that resolves to nothing, where it is. */
    public record Unresolved(String path, String placeholder) {
    }

    private final List<Unresolved> unresolved;

    public UnresolvedPlaceholdersException(List<Unresolved> unresolved) {
        super(message(unresolved));
        this.unresolved = List.copyOf(unresolved);
    }

    public List<Unresolved> unresolved() {
        return unresolved;
    }

    private static String message(List<Unresolved> unresolved) {
        String each = unresolved.stream().map(one -> one.path() + " (" + one.placeholder() + ")").collect(Collectors.joining(", "));
        return (unresolved.size() == 1 ? "1 placeholder cannot" : unresolved.size() + " placeholders cannot") + " be resolved: " + each;
    }
}
