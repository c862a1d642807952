package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One line saying what a version changed against the one before, for the history: modules
 * added, removed and changed (by name) and the top-level fields that changed. The server's
 * timestamps are not changes.
 */
final class ChangeSummary {

    private static final Set<String> SERVER_FIELDS = Set.of("created_at", "updated_at");

    private ChangeSummary() {
    }

    static String of(JsonNode before, JsonNode after) {
        if (before == null) {
            return "created with " + modules(after).size() + " module" + (modules(after).size() == 1 ? "" : "s");
        }
        Map<String, JsonNode> was = modules(before);
        Map<String, JsonNode> is = modules(after);
        List<String> parts = new ArrayList<>();
        part(parts, "modules added", is.keySet().stream().filter(name -> !was.containsKey(name)).toList());
        part(parts, "modules removed", was.keySet().stream().filter(name -> !is.containsKey(name)).toList());
        part(parts, "modules changed", is.keySet().stream().filter(name -> was.containsKey(name) && !was.get(name).equals(is.get(name))).toList());
        part(parts, "fields changed", changedFields(before, after));
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }

    private static void part(List<String> parts, String label, List<String> names) {
        if (!names.isEmpty()) {
            parts.add(label + ": " + String.join(", ", names));
        }
    }

    private static List<String> changedFields(JsonNode before, JsonNode after) {
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        names.remove("modules");
        names.removeAll(SERVER_FIELDS);
        return names.stream().filter(name -> !Objects.equals(before.get(name), after.get(name))).toList();
    }

    private static Map<String, JsonNode> modules(JsonNode manifest) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        Iterator<JsonNode> modules = manifest.path("modules").elements();
        int index = 0;
        while (modules.hasNext()) {
            JsonNode module = modules.next();
            byName.put(module.path("name").asText("#" + index), module);
            index++;
        }
        return byName;
    }
}
