package ai.dsp.platform.auth.apikey;

import ai.dsp.platform.auth.Digests;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes API-key files in the seed's YAML format. */
final class ApiKeyFiles {

    static final String BASE_FILE = "base_api_key.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private ApiKeyFiles() {
    }

    static ApiKey read(Path file) throws IOException {
        Map<String, Object> document = YAML.readValue(file.toFile(), MAP);
        return parse(file, document == null ? new LinkedHashMap<>() : document);
    }

    static String write(Map<String, Object> document) throws IOException {
        return YAML.writeValueAsString(document);
    }

    /** A key from its document; {@code file} names it (and, for the seed's files without a hash, is the key). */
    static ApiKey parse(Path file, Map<String, Object> document) {
        Map<String, Object> claims = map(document.get("claims"), "claims");
        Map<String, Map<String, Object>> dynamic = new LinkedHashMap<>();
        map(claims.get("dynamic"), "claims.dynamic").forEach((name, spec) -> dynamic.put(name, map(spec, "claims.dynamic." + name)));
        String hash = sha256(document.get(ApiKey.KEY_HASH), ApiKey.KEY_HASH);
        sha256(document.get(ApiKey.PREVIOUS_KEY_HASH), ApiKey.PREVIOUS_KEY_HASH);
        boolean legacy = hash == null;
        String stem = stem(file);
        if (legacy) {
            hash = Digests.sha256Hex(stem);
        }
        String id = string(document.get("id"));
        if (id == null) {
            // the key itself must not become its public name
            id = legacy ? "legacy-" + hash.substring(0, 12) : stem;
        }
        return new ApiKey(id, string(document.get("owner")), file, hash, string(document.get(ApiKey.PREVIOUS_KEY_HASH)),
                instant(document.get(ApiKey.PREVIOUS_KEY_EXPIRES), ApiKey.PREVIOUS_KEY_EXPIRES),
                instant(document.get(ApiKey.EXPIRES), ApiKey.EXPIRES), legacy, map(claims.get("static"), "claims.static"), dynamic,
                map(document.get("metadata"), "metadata"), document.get("jwe_config") == null ? null : map(document.get("jwe_config"), "jwe_config"),
                document);
    }

    static boolean isKeyFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String field) {
        if (value == null) {
            return new LinkedHashMap<>();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(field + " must be a map");
        }
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    private static String string(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static String sha256(Object value, String field) {
        String text = string(value);
        if (text != null && !text.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(field + " must be 64 lower-case hex digits (a SHA-256)");
        }
        return text;
    }

    private static Instant instant(Object value, String field) {
        String text = string(value);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 instant such as 2027-01-31T00:00:00Z, was " + text);
        }
    }
}
