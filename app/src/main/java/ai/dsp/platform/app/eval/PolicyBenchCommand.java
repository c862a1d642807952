package ai.dsp.platform.app.eval;

import ai.dsp.platform.controltower.policy.CompiledPolicy;
import ai.dsp.platform.controltower.policy.Policy;
import ai.dsp.platform.controltower.policy.PolicyDocuments;
import ai.dsp.platform.controltower.policy.PolicyEvaluator;
import ai.dsp.platform.controltower.policy.PolicyMetrics;
import ai.dsp.platform.controltower.policy.PolicyService;
import ai.dsp.platform.controltower.policy.PolicyStore;
import ai.dsp.platform.controltower.policy.RegoImporter;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code java -jar app.jar bench-policy [--policy FILE.yaml|FILE.rego] [--evaluations N] [--out DIR]}:
 * the Control Tower's policy decision in process, as {@code /evaluate} and the Front Door make it,
 * at p50, p95 and p99, in three layers: the evaluator on a compiled policy; the policy service
 * (the cached policy looked up, the metrics recorded); and the JSON body parsed first, as the HTTP
 * endpoint does. The inputs are the seed's kinds of request made from the policy itself (a direct
 * role, a user id, several groups, an unknown user, a model not allowed), so half are denials.
 * Writes {@code policy.json} and {@code policy.md}.
 */
public final class PolicyBenchCommand {

    public static final String NAME = "bench-policy";
    private static final Set<String> OPTIONS = Set.of("policy", "evaluations", "out");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** One layer's figures, in microseconds. */
    public record Figures(String layer, int evaluations, double p50Micros, double p95Micros, double p99Micros, double perSecond) {
    }

    private PolicyBenchCommand() {
    }

    public static int run(List<String> args) {
        try {
            CommandLine command = CommandLine.parse(args, OPTIONS);
            Path file = Path.of(command.optional("policy", "config/policies/customer_service.yaml"));
            int evaluations = Integer.parseInt(command.optional("evaluations", "200000"));
            Path out = Path.of(command.optional("out", "bench-reports/policy"));
            Policy policy = read(file);
            Path state = Files.createTempDirectory("dsp-policy-bench-");
            List<Figures> figures;
            try {
                figures = measure(policy, evaluations, state);
            } finally {
                try (var paths = Files.walk(state)) {
                    for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(out);
            EvaluationFiles.JSON.writeValue(out.resolve("policy.json").toFile(), figures);
            String md = markdown(policy.clientId(), figures);
            Files.writeString(out.resolve("policy.md"), md);
            System.out.print(md);
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("bench-policy: " + e.getMessage());
            System.err.println("usage: bench-policy [--policy FILE.yaml|FILE.rego] [--evaluations N] [--out DIR]");
            return 2;
        } catch (Exception e) {
            System.err.println("bench-policy failed: " + e);
            return 1;
        }
    }

    private static Policy read(Path file) throws java.io.IOException {
        String name = file.getFileName().toString();
        String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        String text = Files.readString(file);
        return name.endsWith(".rego") ? new RegoImporter().importRego(text, id).policy() : PolicyDocuments.parse(text, id);
    }

    static List<Figures> measure(Policy policy, int count, Path state) throws Exception {
        PolicyEvaluator evaluator = new PolicyEvaluator();
        CompiledPolicy compiled = evaluator.compile(policy);
        PolicyService service = new PolicyService(new PolicyStore(state), evaluator, new PolicyMetrics(new SimpleMeterRegistry()),
                Duration.ofSeconds(1));
        service.add(policy);
        List<Map<String, Object>> inputs = inputs(policy);
        List<String> bodies = new ArrayList<>();
        for (Map<String, Object> input : inputs) {
            bodies.add(JSON.writeValueAsString(Map.of("input_data", input)));
        }
        String id = policy.clientId();
        List<Figures> figures = new ArrayList<>();
        figures.add(time("evaluator (compiled policy)", count, i -> evaluator.evaluate(compiled, inputs.get(i % inputs.size()))));
        figures.add(time("policy service (lookup, metrics)", count, i -> service.evaluate(id, inputs.get(i % inputs.size()))));
        figures.add(time("JSON body + policy service", count, i -> {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> input = (Map<String, Object>) JSON.readValue(bodies.get(i % bodies.size()), MAP).get("input_data");
                service.evaluate(id, input);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        return figures;
    }

    /** Each call timed on its own, after as many calls again to compile the paths (JIT), as in a server that has run a while. */
    private static Figures time(String layer, int count, Consumer<Integer> call) {
        for (int i = 0; i < count; i++) {
            call.accept(i);
        }
        long[] nanos = new long[count];
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            call.accept(i);
            nanos[i] = System.nanoTime() - t;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        java.util.Arrays.sort(nanos);
        return new Figures(layer, count, micros(nanos, 0.50), micros(nanos, 0.95), micros(nanos, 0.99), count / seconds);
    }

    private static double micros(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1000.0;
    }

    /** The seed's kinds of request, made from what the policy defines: half allowed, half denied. */
    static List<Map<String, Object>> inputs(Policy policy) {
        String usecase = policy.usecases().isEmpty() ? "bench" : policy.usecases().get(0);
        String type = policy.resourceTypes().isEmpty() ? "llm_model" : policy.resourceTypes().get(0);
        List<String> ids = policy.allowedResources().getOrDefault(type, policy.allowedResources().getOrDefault(Policy.ANY, List.of("any")));
        String model = ids.isEmpty() ? "any" : ids.get(0);
        String role = policy.roles().keySet().stream().findFirst().orElse("none");
        String action = policy.roles().getOrDefault(role, List.of("read")).stream().findFirst().orElse("read");
        List<Map<String, Object>> inputs = new ArrayList<>();
        inputs.add(input(Map.of("role", role), action, usecase, type, model));
        policy.userRoles().entrySet().stream().findFirst().ifPresent(user -> inputs.add(input(
                Map.of("id", user.getKey(), "groups", List.of()), first(policy, user.getValue()), usecase, type, model)));
        inputs.add(input(Map.of("id", "bench-user", "groups", new ArrayList<>(policy.groupRoles().keySet())), action, usecase, type, model));
        inputs.add(input(Map.of("id", "bench-unknown", "groups", List.of("bench-group")), action, usecase, type, model));
        inputs.add(input(Map.of("role", role), action, usecase, type, "bench-model-not-allowed"));
        inputs.add(input(Map.of("role", role), "bench-action-not-granted", usecase, type, model));
        return inputs;
    }

    private static String first(Policy policy, String role) {
        return policy.roles().getOrDefault(role, List.of("read")).stream().findFirst().orElse("read");
    }

    private static Map<String, Object> input(Map<String, Object> user, String action, String usecase, String type, String model) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("user", user);
        input.put("action", action);
        input.put("usecase", usecase);
        input.put("resource", Map.of("type", type, "model_id", model));
        return input;
    }

    static String markdown(String policy, List<Figures> figures) {
        StringBuilder md = new StringBuilder("Policy " + policy + ", one thread:\n\n"
                + "| layer | evaluations | p50 | p95 | p99 | decisions/s |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Figures f : figures) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f µs | %.1f µs | %.1f µs | %.0f |%n",
                    f.layer(), f.evaluations(), f.p50Micros(), f.p95Micros(), f.p99Micros(), f.perSecond()));
        }
        return md.toString();
    }
}
