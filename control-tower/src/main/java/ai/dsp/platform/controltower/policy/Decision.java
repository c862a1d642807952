package ai.dsp.platform.controltower.policy;

import java.util.List;

/**
 * A policy's answer to one input: {@code allow} only when every check passed, the role the
 * checks used (the seed's {@code effective_role}, {@code unauthorized} when none was found), and
 * one sentence per check saying what it found, in the order they ran.
 */
public record Decision(boolean allow, String effectiveRole, List<String> reasons) {

    public Decision {
        reasons = List.copyOf(reasons);
    }

    static Decision deny(String reason) {
        return new Decision(false, Policy.UNAUTHORIZED, List.of(reason));
    }
}
