package ai.dsp.platform.ingest;

import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.document.DocumentRejectedException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Turns a document message (JSON, see {@link MessageDocument}) into an ingestion job. A message
 * that cannot become one is rejected with a one-line reason, which goes with it to the dead
 * letters. Without an id, the id derives from collection and filename (a re-sent file replaces
 * itself) or else from the message bytes (a redelivered message is the same document). A
 * message may also carry the document's bytes as its body, described by {@link RawDocumentHeaders}.
 */
public final class MessageIntake {

    private static final Set<String> ACL_KEYS = Set.of("allowed_groups", "allowed_users");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() { };

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final FetchProperties fetch;
    private final long maxBytes;
    private final HttpClient http;

    public MessageIntake(FetchProperties fetch, long maxBytes) {
        this.fetch = fetch;
        this.maxBytes = maxBytes;
        this.http = HttpClient.newBuilder().connectTimeout(fetch.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public IngestJob toJob(byte[] message, String source, String requestId) {
        MessageDocument doc = parse(message);
        String collection = CollectionCatalog.requireValidName(doc.collection());
        byte[] content = content(doc);
        String filename = filename(doc);
        String id = id(doc, collection, message);
        return new IngestJob(id, collection, source, filename, content, metadata(doc), requestId);
    }

    /**
     * A message that is either document JSON or, when it has a {@link RawDocumentHeaders#FILENAME}
     * header, the document's own bytes described by the other {@link RawDocumentHeaders} (a bus
     * whose header names cannot hold dots: JMS).
     *
     * @param header the message's header of a name, or null
     */
    public IngestJob toJob(byte[] body, UnaryOperator<String> header, String source, String requestId) {
        String filename = header.apply(RawDocumentHeaders.FILENAME);
        if (filename == null || filename.isBlank()) {
            return toJob(body, source, requestId);
        }
        return fileToJob(body, new FileAttributes(header.apply(RawDocumentHeaders.DOCUMENT_ID), header.apply(RawDocumentHeaders.COLLECTION),
                filename, header.apply(RawDocumentHeaders.CONTENT_TYPE), header.apply(RawDocumentHeaders.METADATA)), source, requestId);
    }

    /**
     * A raw file as a message body (a message bus's body, its name and metadata in the message's
     * headers): the same rules as a document message's (the default collection when none is
     * named), the id from {@code id} or else collection and filename, so a re-sent file replaces
     * itself.
     */
    public IngestJob fileToJob(byte[] content, FileAttributes file, String source, String requestId) {
        if (content == null || content.length == 0) {
            throw new DocumentRejectedException("empty message");
        }
        if (content.length > maxBytes) {
            throw new DocumentRejectedException("file is larger than " + maxBytes + " bytes");
        }
        if (file.filename() == null || file.filename().isBlank()) {
            throw new DocumentRejectedException("a file message needs a filename");
        }
        String collection = CollectionCatalog.requireValidName(file.collection());
        // the access lists travel in the metadata header, as a document message's acl does in its body
        Map<String, Object> metadata = new HashMap<>(parseMetadata(file.metadataJson()));
        Map<String, List<String>> acl = new HashMap<>();
        for (String key : ACL_KEYS) {
            Object values = metadata.remove(key);
            if (values != null) {
                acl.put(key, aclValues(key, values));
            }
        }
        MessageDocument doc = new MessageDocument(file.id(), collection, file.filename(), file.contentType(), null, null, null,
                metadata, acl.isEmpty() ? null : acl);
        return new IngestJob(id(doc, collection, content), collection, source, filename(doc), content, metadata(doc), requestId);
    }

    private static List<String> aclValues(String key, Object values) {
        if (values instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new DocumentRejectedException("metadata '" + key + "' must be a list of strings");
    }

    /** What a file message says about its body besides the bytes; any of them may be null but the filename. */
    public record FileAttributes(String id, String collection, String filename, String contentType, String metadataJson) {
    }

    private Map<String, Object> parseMetadata(String metadataJson) {
        if (metadataJson == null || metadataJson.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(metadataJson, METADATA);
        } catch (IOException e) {
            throw new DocumentRejectedException("metadata is not a JSON object: " + firstLine(e.getMessage()));
        }
    }

    private MessageDocument parse(byte[] message) {
        if (message == null || message.length == 0) {
            throw new DocumentRejectedException("empty message");
        }
        try {
            return json.readValue(message, MessageDocument.class);
        } catch (IOException e) {
            throw new DocumentRejectedException("message is not a document JSON object: " + firstLine(e.getMessage()));
        }
    }

    private byte[] content(MessageDocument doc) {
        int given = (doc.text() != null ? 1 : 0) + (doc.content() != null ? 1 : 0) + (doc.uri() != null ? 1 : 0);
        if (given != 1) {
            throw new DocumentRejectedException("a document message needs exactly one of 'text', 'content' (base64) or 'uri'");
        }
        if (doc.text() != null) {
            return doc.text().getBytes(StandardCharsets.UTF_8);
        }
        if (doc.content() != null) {
            try {
                // line breaks are allowed (MIME style); the MIME decoder would also skip any other
                // character outside the alphabet and turn garbage into an empty document
                return Base64.getDecoder().decode(WHITESPACE.matcher(doc.content()).replaceAll(""));
            } catch (IllegalArgumentException e) {
                throw new DocumentRejectedException("'content' is not valid base64");
            }
        }
        return fetch(doc.uri());
    }

    private byte[] fetch(String uri) {
        if (fetch.allowedUris().stream().noneMatch(uri::startsWith)) {
            throw new DocumentRejectedException("uri '" + uri + "' is not in dsp.ingest.fetch.allowed-uris");
        }
        URI target;
        try {
            target = URI.create(uri).normalize();
        } catch (IllegalArgumentException e) {
            throw new DocumentRejectedException("uri '" + uri + "' is not a valid URI");
        }
        // the normalised form must still be allowed: "file:/srv/shared/../etc/passwd" is not
        if (fetch.allowedUris().stream().noneMatch(target.toString()::startsWith)) {
            throw new DocumentRejectedException("uri '" + uri + "' leaves the allowed locations");
        }
        return switch (String.valueOf(target.getScheme())) {
            case "file" -> readFile(Path.of(target));
            case "http", "https" -> download(target);
            default -> throw new DocumentRejectedException("uri scheme must be file, http or https: '" + uri + "'");
        };
    }

    private byte[] readFile(Path path) {
        try {
            if (Files.size(path) > maxBytes) {
                throw new DocumentRejectedException("file at '" + path + "' is larger than " + maxBytes + " bytes");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new DocumentRejectedException("cannot read '" + path.getFileName() + "': " + e.getClass().getSimpleName());
        }
    }

    private byte[] download(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(fetch.timeout()).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new DocumentRejectedException("fetching '" + uri + "' answered HTTP " + response.statusCode());
                }
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new DocumentRejectedException("document at '" + uri + "' is larger than " + maxBytes + " bytes");
                }
                return bytes;
            }
        } catch (IOException e) {
            // an unreachable source is retried, not rejected: it may come back
            throw new java.io.UncheckedIOException("cannot fetch '" + uri + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching '" + uri + "'", e);
        }
    }

    private static String filename(MessageDocument doc) {
        if (doc.filename() != null && !doc.filename().isBlank()) {
            return Path.of(doc.filename()).getFileName().toString();
        }
        if (doc.uri() != null) {
            String path = URI.create(doc.uri()).getPath();
            if (path != null && !path.isBlank() && !path.endsWith("/")) {
                return Path.of(path).getFileName().toString();
            }
        }
        return doc.text() != null ? "message.txt" : "message";
    }

    private static String id(MessageDocument doc, String collection, byte[] message) {
        if (doc.id() != null && !doc.id().isBlank()) {
            if (!DocumentIds.isValidCallerId(doc.id())) {
                throw new DocumentRejectedException("document ids must match " + DocumentIds.callerIdPattern());
            }
            return doc.id();
        }
        if (doc.filename() != null && !doc.filename().isBlank()) {
            return DocumentIds.fromSource(collection, doc.filename());
        }
        return DocumentIds.sha256(message).substring(0, 24);
    }

    private static Map<String, Object> metadata(MessageDocument doc) {
        Map<String, Object> metadata = new HashMap<>(doc.metadata() == null ? Map.of() : doc.metadata());
        metadata.values().removeIf(java.util.Objects::isNull);
        if (doc.contentType() != null) {
            metadata.putIfAbsent("contentType", doc.contentType());
        }
        if (doc.acl() != null) {
            doc.acl().forEach((key, values) -> {
                if (!ACL_KEYS.contains(key)) {
                    throw new DocumentRejectedException("acl keys are " + ACL_KEYS + ", not '" + key + "'");
                }
                metadata.put(key, values == null ? List.of() : List.copyOf(values));
            });
        }
        return metadata;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
