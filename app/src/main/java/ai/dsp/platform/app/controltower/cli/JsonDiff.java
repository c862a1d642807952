package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The differences between two manifests, one line per JSON pointer: {@code ~ /p: old -> new},
 * {@code + /p: value}, {@code - /p}. Objects are compared key by key and arrays index by index
 * (a module's place in {@code modules} is how the API and the pointers of validation name it);
 * the server's {@code created_at}/{@code updated_at} are not differences.
 */
final class JsonDiff {

    private JsonDiff() {
    }

    static List<String> between(JsonNode from, JsonNode to) {
        List<String> lines = new ArrayList<>();
        walk("", comparable(from), comparable(to), lines);
        return lines;
    }

    private static JsonNode comparable(JsonNode manifest) {
        if (manifest instanceof ObjectNode object) {
            return Json.withoutTimestamps(object);
        }
        return manifest;
    }

    private static void walk(String path, JsonNode from, JsonNode to, List<String> lines) {
        if (from.equals(to)) {
            return;
        }
        if (from.isObject() && to.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = from.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = path + "/" + escape(field.getKey());
                if (to.has(field.getKey())) {
                    walk(child, field.getValue(), to.get(field.getKey()), lines);
                } else {
                    lines.add("- " + child);
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!from.has(field.getKey())) {
                    lines.add("+ " + path + "/" + escape(field.getKey()) + ": " + Json.compact(field.getValue()));
                }
            }
            return;
        }
        if (from.isArray() && to.isArray()) {
            int common = Math.min(from.size(), to.size());
            for (int i = 0; i < common; i++) {
                walk(path + "/" + i, from.get(i), to.get(i), lines);
            }
            for (int i = common; i < from.size(); i++) {
                lines.add("- " + path + "/" + i);
            }
            for (int i = common; i < to.size(); i++) {
                lines.add("+ " + path + "/" + i + ": " + Json.compact(to.get(i)));
            }
            return;
        }
        lines.add("~ " + path + ": " + Json.compact(from) + " -> " + Json.compact(to));
    }

    /** RFC 6901: {@code ~} and {@code /} in a key. */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
