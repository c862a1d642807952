package ai.dsp.platform.controltower.manifest;

import ai.dsp.platform.controltower.store.ManifestStore;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a manifest that are about its structure rather than a module's fields: the
 * project id (pattern, not a root path of the one HTTP surface), required top-level fields,
 * known module types (an error at write time, where the seed answered 404 at read time), unique
 * module names, {@code dependencies} that name modules of the manifest (or warnings, see
 * {@link DependencyChecks}) and form no cycle; missing versions and names off the seed's
 * {@code {project}-{module}-{type}} convention are warnings.
 * Paths are JSON pointers.
 */
public final class ManifestChecks {

    /** One problem, where it is. */
    public record Finding(String path, String message) {
    }

    /** Errors stop a write; warnings are told and stored with it. */
    public record Report(List<Finding> errors, List<Finding> warnings) {

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** The seed's 16 module types (SEED-CONTRACTS §2.4), in the order of its {@code ModuleType} enum. */
    public static final Set<String> MODULE_TYPES = Collections.unmodifiableSet(new LinkedHashSet<>(List.of("jwt_config", "rag_config",
            "rag_service", "model_server", "api_gateway", "inference_endpoint", "security", "monitoring", "model_registry", "data_pipeline",
            "deployment", "resource_management", "notifications", "backup_recovery", "vault", "langgraph_workflow")));
    /** Project ids that would shadow a root path of the platform's one HTTP surface (DESIGN.md). */
    public static final Set<String> RESERVED_IDS = Set.of("token", "refresh", "validate", "revoke", ".well-known", "decode", "api-keys",
            "manifests", "module-types", "policies", "evaluate", "batch-evaluate", "user-policies", "api", "v1", "health", "metrics",
            "actuator");

    private ManifestChecks() {
    }

    /** The checks, a dependency on a module the manifest lacks being an error. */
    public static Report check(JsonNode manifest) {
        return check(manifest, DependencyChecks.ERROR);
    }

    /** The checks, a dependency on a module the manifest lacks and a cycle being what {@code dependencyChecks} says. */
    public static Report check(JsonNode manifest, DependencyChecks dependencyChecks) {
        List<Finding> errors = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        if (manifest == null || !manifest.isObject()) {
            errors.add(new Finding("", "a manifest is a JSON object"));
            return new Report(errors, warnings);
        }
        String projectId = projectId(manifest, errors);
        if (!manifest.path("project_name").isTextual()) {
            errors.add(new Finding("/project_name", "project_name is required"));
        }
        JsonNode modules = manifest.path("modules");
        if (!modules.isArray()) {
            errors.add(new Finding("/modules", "modules is required: a list of modules"));
            return new Report(errors, warnings);
        }
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < modules.size(); i++) {
            checkModule(modules.get(i), "/modules/" + i, projectId, names, i, errors, warnings);
        }
        checkDependencies(modules, names, errors, dependencyChecks == DependencyChecks.ERROR ? errors : warnings);
        return new Report(List.copyOf(errors), List.copyOf(warnings));
    }

    private static String projectId(JsonNode manifest, List<Finding> errors) {
        JsonNode id = manifest.path("project_id");
        if (!id.isTextual()) {
            errors.add(new Finding("/project_id", "project_id is required"));
            return null;
        }
        String value = id.asText();
        if (!ManifestStore.PROJECT_ID.matcher(value).matches()) {
            errors.add(new Finding("/project_id", "project_id must be 1-64 letters, digits, '_' or '-', starting with a letter or digit"));
        } else if (RESERVED_IDS.contains(value.toLowerCase(Locale.ROOT))) {
            errors.add(new Finding("/project_id", "project_id '" + value + "' is reserved: /" + value + " is a path of the platform itself"));
        }
        return value;
    }

    private static void checkModule(JsonNode module, String path, String projectId, Map<String, Integer> names, int index,
                                    List<Finding> errors, List<Finding> warnings) {
        if (!module.isObject()) {
            errors.add(new Finding(path, "a module is a JSON object"));
            return;
        }
        String type = module.path("module_type").isTextual() ? module.path("module_type").asText() : null;
        if (type == null) {
            errors.add(new Finding(path + "/module_type", "module_type is required"));
        } else if (!MODULE_TYPES.contains(type)) {
            errors.add(new Finding(path + "/module_type", "unknown module_type '" + type + "' (known: " + MODULE_TYPES.stream().sorted().toList() + ")"));
        }
        if (!module.path("name").isTextual() || module.path("name").asText().isBlank()) {
            errors.add(new Finding(path + "/name", "name is required"));
        } else {
            String name = module.path("name").asText();
            Integer first = names.putIfAbsent(name, index);
            if (first != null) {
                errors.add(new Finding(path + "/name", "the name '" + name + "' is already used by /modules/" + first));
            } else if (projectId != null && type != null && !(name.startsWith(projectId + "-") && name.endsWith("-" + type))) {
                warnings.add(new Finding(path + "/name", "'" + name + "' does not follow the naming convention {project}-{module}-{type}"));
            }
        }
        if (!module.path("config").isObject()) {
            errors.add(new Finding(path + "/config", "config is required: an object"));
        }
        if (!module.has("version")) {
            warnings.add(new Finding(path + "/version", "no version: 1.0.0 is assumed"));
        }
    }

    /** Every dependency names a module of this manifest, and following them never comes back. */
    private static void checkDependencies(JsonNode modules, Map<String, Integer> names, List<Finding> errors, List<Finding> unknown) {
        Map<String, List<String>> graph = new HashMap<>();
        for (int i = 0; i < modules.size(); i++) {
            JsonNode module = modules.get(i);
            JsonNode dependencies = module.path("dependencies");
            if (dependencies.isMissingNode() || dependencies.isNull()) {
                continue;
            }
            String path = "/modules/" + i + "/dependencies";
            if (!dependencies.isArray()) {
                errors.add(new Finding(path, "dependencies is a list of module names"));
                continue;
            }
            List<String> edges = new ArrayList<>();
            for (int d = 0; d < dependencies.size(); d++) {
                String target = dependencies.get(d).asText();
                if (!dependencies.get(d).isTextual()) {
                    errors.add(new Finding(path + "/" + d, "a dependency is a module name"));
                } else if (!names.containsKey(target)) {
                    unknown.add(new Finding(path + "/" + d, "no module named '" + target + "' in this manifest"));
                } else {
                    edges.add(target);
                }
            }
            graph.put(module.path("name").asText(), edges);
        }
        Set<String> done = new HashSet<>();
        List<List<String>> cycles = new ArrayList<>();
        for (String start : names.keySet()) {
            cyclesFrom(start, graph, new ArrayList<>(), done, cycles);
        }
        for (List<String> cycle : cycles) {
            unknown.add(new Finding("/modules/" + names.get(cycle.get(0)) + "/dependencies",
                    "the dependencies form a cycle: " + String.join(" -> ", cycle)));
        }
    }

    /**
     * Depth first; adds to {@code cycles} one cycle per edge that leads back into the trail, as the
     * names along it with the first one again at the end, so that every cycle is told in one answer.
     */
    private static void cyclesFrom(String node, Map<String, List<String>> graph, List<String> trail, Set<String> done,
                                   List<List<String>> cycles) {
        int seen = trail.indexOf(node);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(trail.subList(seen, trail.size()));
            cycle.add(node);
            cycles.add(cycle);
            return;
        }
        if (done.contains(node)) {
            return;
        }
        trail.add(node);
        for (String next : graph.getOrDefault(node, List.of())) {
            cyclesFrom(next, graph, trail, done, cycles);
        }
        trail.remove(trail.size() - 1);
        done.add(node);
    }
}
