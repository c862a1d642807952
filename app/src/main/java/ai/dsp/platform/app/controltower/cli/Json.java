package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and writing manifest files as the seed's tools wrote them: two-space indents, {@code "key": value}. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Set by the server on every write; never part of what a person edits or compares. */
    static final String CREATED_AT = "created_at";
    static final String UPDATED_AT = "updated_at";

    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Json() {
    }

    /**
     * The file's JSON.
     *
     * @throws CliFailure (exit 2) when it cannot be read
     * @throws JsonProcessingException when it is not JSON
     */
    static JsonNode read(Path file) throws JsonProcessingException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, file + ": cannot read: " + describe(e));
        }
        return MAPPER.readTree(text);
    }

    /** A manifest file: a JSON object with a textual project_id; anything else stops the command with exit 2. */
    static ObjectNode readManifest(Path file) {
        JsonNode manifest;
        try {
            manifest = read(file);
        } catch (JsonProcessingException e) {
            throw new CliFailure(CliFailure.UNUSABLE, file + ": not JSON: " + e.getOriginalMessage());
        }
        if (!(manifest instanceof ObjectNode object) || !manifest.path("project_id").isTextual()
                || manifest.path("project_id").asText().isBlank()) {
            throw new CliFailure(CliFailure.UNUSABLE, file + ": not a manifest: a JSON object with a project_id");
        }
        return object;
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String compact(JsonNode node) {
        return node.toString();
    }

    static void write(Path file, JsonNode node) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, pretty(node), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, file + ": cannot write: " + describe(e));
        }
    }

    /** A copy without the server's timestamps. */
    static ObjectNode withoutTimestamps(ObjectNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        copy.remove(CREATED_AT);
        copy.remove(UPDATED_AT);
        return copy;
    }

    /** An I/O failure in words: the file system's exceptions carry only the path as their message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
