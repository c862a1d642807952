package ai.dsp.platform.auth.apikey;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.regex.Pattern;

/**
 * {@code type: formula} claims as CEL expressions (cel-java) over the key's static claims, the
 * dynamic claims computed before, the user's context and the request's context. The seed's
 * formulas are already CEL: comparisons, {@code a ? b : c}, {@code &&}, {@code in [...]}. One
 * addition: an integer and a double mix in arithmetic ({@code rate_limit * 1.5} is 180.0), as
 * the formulas' authors write them; integer division stays integer ({@code 120 / 60} is 2).
 */
public final class ClaimFormulas {

    /** A CEL identifier; other claim names cannot be variables. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final List<MixedOperator> MIXED = List.of(
            new MixedOperator("_+_", "add", Double::sum),
            new MixedOperator("_-_", "subtract", (a, b) -> a - b),
            new MixedOperator("_*_", "multiply", (a, b) -> a * b),
            new MixedOperator("_/_", "divide", (a, b) -> a / b));

    private record MixedOperator(String function, String name, BinaryOperator<Double> operation) {

        CelFunctionDecl declaration() {
            return CelFunctionDecl.newFunctionDeclaration(function,
                    CelOverloadDecl.newGlobalOverload(name + "_int64_double", SimpleType.DOUBLE, SimpleType.INT, SimpleType.DOUBLE),
                    CelOverloadDecl.newGlobalOverload(name + "_double_int64", SimpleType.DOUBLE, SimpleType.DOUBLE, SimpleType.INT));
        }
    }

    private static final List<CelFunctionDecl> MIXED_DECLARATIONS = MIXED.stream().map(MixedOperator::declaration).toList();

    /** Why a formula gave no value: it does not compile, or a variable it names is not there. */
    public static final class FormulaException extends Exception {
        FormulaException(String message) {
            super(message);
        }
    }

    private final CelRuntime runtime;

    public ClaimFormulas() {
        List<CelFunctionBinding> bindings = new ArrayList<>();
        for (MixedOperator operator : MIXED) {
            bindings.add(CelFunctionBinding.from(operator.name() + "_int64_double", Long.class, Double.class,
                    (a, b) -> operator.operation().apply(a.doubleValue(), b)));
            bindings.add(CelFunctionBinding.from(operator.name() + "_double_int64", Double.class, Long.class,
                    (a, b) -> operator.operation().apply(a, b.doubleValue())));
        }
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).addFunctionBindings(bindings).build();
    }

    /** The value of {@code expression} with {@code variables} (claim names that are CEL identifiers). */
    public Object evaluate(String expression, Map<String, Object> variables) throws FormulaException {
        CelCompilerBuilder compiler = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS);
        Map<String, Object> values = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            if (IDENTIFIER.matcher(name).matches()) {
                compiler.addVar(name, SimpleType.DYN);
                values.put(name, toCel(value));
            }
        });
        compiler.addFunctionDeclarations(MIXED_DECLARATIONS);
        CelCompiler built = compiler.build();
        try {
            CelAbstractSyntaxTree ast = built.compile(expression).getAst();
            return fromCel(runtime.createProgram(ast).eval(values));
        } catch (CelValidationException e) {
            throw new FormulaException(firstLine(e.getMessage()));
        } catch (CelEvaluationException e) {
            throw new FormulaException(firstLine(e.getMessage()));
        }
    }

    /** CEL's integers are 64-bit and its maps and lists hold CEL values. */
    private static Object toCel(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> converted = new LinkedHashMap<>();
            map.forEach((k, v) -> converted.put(toCel(k), toCel(v)));
            return converted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ClaimFormulas::toCel).toList();
        }
        return value;
    }

    private static Object fromCel(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> converted = new LinkedHashMap<>();
            map.forEach((k, v) -> converted.put(String.valueOf(k), fromCel(v)));
            return converted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ClaimFormulas::fromCel).toList();
        }
        if (value instanceof com.google.common.primitives.UnsignedLong unsigned) {
            return unsigned.longValue();
        }
        if (value instanceof dev.cel.common.values.NullValue) {
            return null;
        }
        return value;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
