package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A manifest template in the seed's format (SEED-CONTRACTS §2.8): a JSON file whose text holds
 * {@code ${t.<name>}} variables. What the template is for and what each variable means sit in an
 * optional top-level {@code _template} object ({@code {"description": ..., "variables": {name:
 * description}}}) that generation removes, so a generated manifest never carries it and the
 * seed's own templates (which have none) work unchanged.
 */
final class Template {

    static final String METADATA = "_template";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{t\\.([a-zA-Z0-9_.-]+)}");
    /** For templates that are not JSON until filled in (a variable outside a string). */
    private static final Pattern MODULE_TYPE = Pattern.compile("\"module_type\"\\s*:\\s*\"([^\"]+)\"");

    final String name;
    private final String text;
    final String description;
    /** Every variable the template uses, in order of first use, with its description ("" when it has none). */
    final Map<String, String> variables;
    final List<String> moduleTypes;

    private Template(String name, String text) {
        this.name = name;
        this.text = text;
        JsonNode parsed = parseOrNull(text);
        JsonNode metadata = parsed == null ? null : parsed.path(METADATA);
        this.description = metadata == null ? "" : metadata.path("description").asText("");
        String body = text;
        if (parsed instanceof ObjectNode object) {
            ObjectNode withoutMetadata = object.deepCopy();
            withoutMetadata.remove(METADATA);
            body = withoutMetadata.toString();
        }
        this.variables = new LinkedHashMap<>();
        Matcher matcher = VARIABLE.matcher(body);
        while (matcher.find()) {
            String variable = matcher.group(1);
            variables.putIfAbsent(variable, metadata == null ? "" : metadata.path("variables").path(variable).asText(""));
        }
        this.moduleTypes = moduleTypes(parsed, body);
    }

    /** The templates in {@code folder}: every {@code *.json}, by name. */
    static List<Template> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CliFailure(CliFailure.UNUSABLE, "no template folder " + folder + " (name one with --dir)");
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Template> templates = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                templates.add(load(file));
            }
            return templates;
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, folder + ": cannot list: " + Json.describe(e));
        }
    }

    /** A template by name in {@code folder}, or a template file named by its path. */
    static Template find(Path folder, String nameOrFile) {
        Path file = nameOrFile.endsWith(".json") ? Path.of(nameOrFile) : folder.resolve(nameOrFile + ".json");
        if (!Files.isRegularFile(file)) {
            String known = Files.isDirectory(folder)
                    ? " (templates in " + folder + ": " + String.join(", ", list(folder).stream().map(t -> t.name).toList()) + ")"
                    : "";
            throw new CliFailure(CliFailure.UNUSABLE, "no template '" + nameOrFile + "'" + known);
        }
        return load(file);
    }

    static Template load(Path file) {
        try {
            String fileName = file.getFileName().toString();
            return new Template(fileName.substring(0, fileName.length() - ".json".length()), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, file + ": cannot read: " + Json.describe(e));
        }
    }

    /**
     * The manifest with every variable in {@code values} filled in, without {@code _template}.
     * Values are escaped as JSON string content, so a quote or a backslash in one cannot break
     * the document (the seed pasted them in raw).
     *
     * @throws CliFailure (exit 1) when the result is not a JSON object
     */
    ObjectNode render(Map<String, String> values) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            String replacement = value == null ? matcher.group() : new String(encoder.quoteAsString(value));
            matcher.appendReplacement(filled, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(filled);
        JsonNode manifest;
        try {
            manifest = Json.MAPPER.readTree(filled.toString());
        } catch (JsonProcessingException e) {
            throw new CliFailure(CliFailure.REFUSED, "template " + name + " is not valid JSON once filled in: " + e.getOriginalMessage());
        }
        if (!(manifest instanceof ObjectNode object)) {
            throw new CliFailure(CliFailure.REFUSED, "template " + name + " does not make a JSON object");
        }
        object.remove(METADATA);
        return object;
    }

    private static List<String> moduleTypes(JsonNode parsed, String body) {
        Set<String> types = new LinkedHashSet<>();
        if (parsed != null) {
            parsed.path("modules").forEach(module -> {
                if (module.path("module_type").isTextual()) {
                    types.add(module.path("module_type").asText());
                }
            });
        } else {
            Matcher matcher = MODULE_TYPE.matcher(body);
            while (matcher.find()) {
                types.add(matcher.group(1));
            }
        }
        return List.copyOf(types);
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
