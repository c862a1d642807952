package ai.dsp.platform.controltower.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A CEL expression over the request, beyond roles and resources: {@code input} is the whole input
 * (the seed's format) and {@code role} the effective role. With {@code require} the request is
 * denied unless it is true; with {@code deny_if} it is denied when it is true. An expression that
 * cannot be evaluated for an input (a field it reads is missing) denies either way. The name
 * appears in the decision's reasons.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyCondition(String name, Effect effect, String expression, String description) {

    /** Longer expressions are refused: conditions are for people to read. */
    public static final int MAX_EXPRESSION_LENGTH = 4096;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** What the expression's truth does to the decision. */
    public enum Effect {
        REQUIRE, DENY_IF;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Effect of(String value) {
            for (Effect effect : values()) {
                if (effect.wire().equals(value)) {
                    return effect;
                }
            }
            throw new IllegalArgumentException("a condition's effect is require or deny_if, was " + value);
        }
    }

    public static PolicyCondition require(String name, String expression) {
        return new PolicyCondition(name, Effect.REQUIRE, expression, null);
    }

    public static PolicyCondition denyIf(String name, String expression) {
        return new PolicyCondition(name, Effect.DENY_IF, expression, null);
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("conditions: a name must be an identifier ([A-Za-z_][A-Za-z0-9_]*), was " + name);
        }
        if (effect == null) {
            problems.add("conditions." + name + ": effect (require or deny_if) is required");
        }
        if (expression == null || expression.isBlank()) {
            problems.add("conditions." + name + ": expression is required");
        } else if (expression.length() > MAX_EXPRESSION_LENGTH) {
            problems.add("conditions." + name + ": expression is longer than " + MAX_EXPRESSION_LENGTH + " characters");
        }
        return problems;
    }
}
