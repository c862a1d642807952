package ai.dsp.platform.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A retrieval test collection in BEIR's layout: {@code corpus.jsonl} ({@code _id}, {@code title},
 * {@code text}) or a folder {@code docs/} of documents in any format (the corpus id is the file
 * name without its extension), {@code queries.jsonl} ({@code _id}, {@code text}) and
 * {@code qrels/test.tsv} ({@code query-id corpus-id score}, a header line first).
 */
public final class BeirDataset {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One corpus entry: its id, a file name that tells its format, and its bytes. */
    public record Document(String corpusId, String filename, byte[] content) {
    }

    /** A query and its judgments (corpus id to grade). */
    public record Query(String id, String text, Map<String, Integer> judgments) {
    }

    private final Path root;
    private final String name;

    private BeirDataset(Path root) {
        this.root = root;
        this.name = root.toAbsolutePath().normalize().getFileName().toString();
    }

    /** Checks the layout; fails with what is missing. */
    public static BeirDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("dataset folder " + root + " does not exist");
        }
        BeirDataset dataset = new BeirDataset(root);
        if (!Files.isRegularFile(dataset.corpusFile()) && !Files.isDirectory(dataset.docsFolder())) {
            throw new IllegalArgumentException(root + " has neither corpus.jsonl nor a docs/ folder");
        }
        for (Path required : List.of(root.resolve("queries.jsonl"), root.resolve("qrels").resolve("test.tsv"))) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalArgumentException(root + " has no " + root.relativize(required));
            }
        }
        return dataset;
    }

    public String name() {
        return name;
    }

    /** How many documents {@link #documents()} yields. */
    public int size() {
        try {
            if (Files.isRegularFile(corpusFile())) {
                try (Stream<String> lines = Files.lines(corpusFile())) {
                    return (int) lines.filter(line -> !line.isBlank()).count();
                }
            }
            return docFiles().size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The corpus, read one document at a time. */
    public Stream<Document> documents() {
        try {
            if (Files.isRegularFile(corpusFile())) {
                BufferedReader reader = Files.newBufferedReader(corpusFile(), StandardCharsets.UTF_8);
                return reader.lines().filter(line -> !line.isBlank()).map(BeirDataset::fromJson).onClose(() -> close(reader));
            }
            return docFiles().stream().map(BeirDataset::fromFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the corpus of " + root, e);
        }
    }

    /** The judged queries (those with at least one line in the qrels), in the order of queries.jsonl. */
    public List<Query> judgedQueries() {
        Map<String, Map<String, Integer>> qrels = qrels();
        List<Query> queries = new ArrayList<>();
        try (Stream<String> lines = Files.lines(root.resolve("queries.jsonl"))) {
            lines.filter(line -> !line.isBlank()).forEach(line -> {
                JsonNode query = parse(line);
                String id = query.path("_id").asText();
                if (qrels.containsKey(id)) {
                    queries.add(new Query(id, query.path("text").asText(), qrels.get(id)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the queries of " + root, e);
        }
        return queries;
    }

    private Map<String, Map<String, Integer>> qrels() {
        Map<String, Map<String, Integer>> qrels = new TreeMap<>();
        try (Stream<String> lines = Files.lines(root.resolve("qrels").resolve("test.tsv"))) {
            lines.skip(1).filter(line -> !line.isBlank()).forEach(line -> {
                String[] fields = line.trim().split("\t");
                if (fields.length != 3) {
                    throw new IllegalArgumentException("qrels line is not 'query-id<TAB>corpus-id<TAB>score': " + line);
                }
                qrels.computeIfAbsent(fields[0], q -> new LinkedHashMap<>()).put(fields[1], Integer.parseInt(fields[2].trim()));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the qrels of " + root, e);
        }
        return qrels;
    }

    private Path corpusFile() {
        return root.resolve("corpus.jsonl");
    }

    private Path docsFolder() {
        return root.resolve("docs");
    }

    private List<Path> docFiles() throws IOException {
        try (Stream<Path> files = Files.list(docsFolder())) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static Document fromJson(String line) {
        JsonNode entry = parse(line);
        String id = entry.path("_id").asText();
        String title = entry.path("title").asText("");
        String text = entry.path("text").asText("");
        String body = title.isBlank() ? text : title + "\n\n" + text;
        // a file name that is safe in any folder and tells the extractor it is plain text
        return new Document(id, id.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt", body.getBytes(StandardCharsets.UTF_8));
    }

    private static Document fromFile(Path file) {
        String filename = file.getFileName().toString();
        int dot = filename.lastIndexOf('.');
        try {
            return new Document(dot > 0 ? filename.substring(0, dot) : filename, filename, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON line: " + line, e);
        }
    }

    private static void close(BufferedReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
