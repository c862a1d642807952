package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file store's history: {@code <history>/<project_id>/<n>.json}, one envelope per version
 * ({@code number, change, author, created_at, summary, file, document}; a tombstone has no
 * document). {@code file} names the file in the manifests folder that held the document, so that
 * a later scan knows whether that file was removed (a delete) or only broken (keep serving).
 *
 * <p>Reads take no lock: every envelope is written whole by {@link AtomicFiles} and never
 * changed, so a reader sees a version completely or not at all. A purge racing a read makes
 * the read find nothing.
 */
final class VersionFiles {

    private static final Pattern VERSION_FILE = Pattern.compile("([1-9][0-9]{0,9})\\.json");

    /** A version and the manifests-folder file that held its document (null for a tombstone). */
    record Stored(ManifestVersion version, String file) {

        boolean live() {
            return !version.deleted();
        }
    }

    private final Path historyDir;

    VersionFiles(Path historyDir) {
        this.historyDir = historyDir;
    }

    /** The projects that have a history, in code point order. */
    List<String> projects() throws IOException {
        List<String> projects = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(historyDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (StoreArguments.usableProjectId(name)) {
                    projects.add(name);
                }
            }
        }
        projects.sort(Comparator.naturalOrder());
        return projects;
    }

    Optional<Stored> newest(String projectId) throws IOException {
        List<Integer> numbers = numbers(projectId);
        return numbers.isEmpty() ? Optional.empty() : read(projectId, numbers.get(numbers.size() - 1));
    }

    Optional<Stored> read(String projectId, int number) throws IOException {
        Path file = historyDir.resolve(projectId).resolve(number + ".json");
        try {
            return Optional.of(fromEnvelope(projectId, StoredJson.parseObject(Files.readString(file))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Oldest first; versions purged while this reads are left out. */
    List<Stored> all(String projectId) throws IOException {
        List<Stored> all = new ArrayList<>();
        for (int number : numbers(projectId)) {
            read(projectId, number).ifPresent(all::add);
        }
        return all;
    }

    void write(Stored stored) throws IOException {
        ManifestVersion version = stored.version();
        Path dir = Files.createDirectories(historyDir.resolve(version.projectId()));
        AtomicFiles.write(dir.resolve(version.number() + ".json"), StoredJson.pretty(envelope(stored)));
    }

    /** Removes the project's history; true when it had one. */
    boolean purge(String projectId) throws IOException {
        Path dir = historyDir.resolve(projectId);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
        return true;
    }

    private List<Integer> numbers(String projectId) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(historyDir.resolve(projectId), "*.json")) {
            for (Path file : files) {
                Matcher matcher = VERSION_FILE.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    numbers.add(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        numbers.sort(Comparator.naturalOrder());
        return numbers;
    }

    private static ObjectNode envelope(Stored stored) {
        ManifestVersion version = stored.version();
        ObjectNode envelope = StoredJson.MAPPER.createObjectNode();
        envelope.put("number", version.number());
        envelope.put("change", version.change().name());
        envelope.put("author", version.author());
        envelope.put("created_at", version.createdAt().toString());
        envelope.put("summary", version.summary());
        envelope.put("file", stored.file());
        if (!version.deleted()) {
            envelope.set("document", version.document());
        }
        return envelope;
    }

    private static Stored fromEnvelope(String projectId, ObjectNode envelope) {
        JsonNode document = envelope.get("document");
        ManifestVersion version = new ManifestVersion(projectId, envelope.get("number").asInt(),
                ManifestVersion.Change.valueOf(envelope.get("change").asText()), text(envelope, "author"),
                Instant.parse(envelope.get("created_at").asText()), text(envelope, "summary"),
                document instanceof ObjectNode object ? object : null);
        return new Stored(version, text(envelope, "file"));
    }

    private static String text(ObjectNode envelope, String field) {
        JsonNode value = envelope.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
