package ai.dsp.platform.controltower.policy;

import java.util.List;

/** A policy that cannot be used as written (a bad field, a CEL expression that does not compile): the caller's to fix (400). */
public class InvalidPolicyException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidPolicyException(String clientId, List<String> problems) {
        super("policy " + clientId + " is not valid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidPolicyException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public List<String> problems() {
        return problems;
    }
}
