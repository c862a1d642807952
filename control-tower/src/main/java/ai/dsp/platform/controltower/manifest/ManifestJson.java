package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import ai.dsp.platform.controltower.store.StoredJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Manifest bytes in and out. {@link #parse} takes an HTTP body or a file and gives the object
 * it holds, within {@link Limits}, refusing what JSON parsers disagree on (a key twice in one
 * object) with an {@link InvalidManifestException} that never quotes the content. {@link #write}
 * gives the bytes the stores keep: pretty printed as the seed's files are (two spaces,
 * {@code "key": value}), keys in the order they were written, decimals with their digits
 * ({@code 1.50} stays {@code 1.50}, not a binary double).
 */
public final class ManifestJson {

    /** How big a manifest may be: bytes of its JSON, and levels of objects and lists. */
    public record Limits(int maxBytes, int maxDepth) {

        /** 1 MB and 64 levels: the seed's largest shipped manifest (sas2py) has 17 kB and 13 levels. */
        public static final Limits DEFAULT = new Limits(1024 * 1024, 64);

        public Limits {
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8 || maxDepth < 1) {
                throw new IllegalArgumentException("limits must be positive: maxBytes=" + maxBytes + ", maxDepth=" + maxDepth);
            }
        }
    }

    private final Limits limits;
    private final ObjectMapper reader;

    public ManifestJson(Limits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth()).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.reader = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    /** With {@link Limits#DEFAULT}. */
    public ManifestJson() {
        this(Limits.DEFAULT);
    }

    public Limits limits() {
        return limits;
    }

    /** The manifest object in {@code json} (UTF-8). */
    public ObjectNode parse(byte[] json) {
        if (json.length > limits.maxBytes()) {
            throw tooLarge();
        }
        try {
            return object(reader.readTree(json));
        } catch (JsonProcessingException e) {
            throw refused(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest object in {@code body}, read up to one byte past the limit (the stream is not closed). */
    public ObjectNode parse(InputStream body) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(limits.maxBytes() + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest", e);
        }
        return parse(bytes);
    }

    /** The bytes to store (UTF-8, a newline at the end), laid out as the stores lay out their files. */
    public static byte[] write(ObjectNode manifest) {
        return StoredJson.pretty(manifest).getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode object(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new InvalidManifestException(InvalidManifestException.Kind.MALFORMED,
                    List.of(new ManifestChecks.Finding("", "the body is empty: a manifest is a JSON object")));
        }
        if (!node.isObject()) {
            throw new InvalidManifestException(InvalidManifestException.Kind.NOT_AN_OBJECT,
                    List.of(new ManifestChecks.Finding("", "a manifest is a JSON object, not " + kind(node))));
        }
        return (ObjectNode) node;
    }

    /** What a body over the limit gets; also for one whose declared length is over it, before reading. */
    public InvalidManifestException tooLarge() {
        return new InvalidManifestException(InvalidManifestException.Kind.TOO_LARGE,
                List.of(new ManifestChecks.Finding("", "the manifest is larger than " + limits.maxBytes() + " bytes, the limit")));
    }

    /** Jackson's own messages quote the content they stumble on: ours say only where. */
    private InvalidManifestException refused(JsonProcessingException e) {
        String path = pointer(e);
        if (e instanceof StreamConstraintsException && e.getOriginalMessage().contains("nesting depth")) {
            return new InvalidManifestException(InvalidManifestException.Kind.TOO_DEEP,
                    List.of(new ManifestChecks.Finding(path, "the manifest nests deeper than " + limits.maxDepth() + " levels, the limit")));
        }
        String where = where(e.getLocation());
        String original = e.getOriginalMessage();
        if (e instanceof JsonParseException && original != null && original.startsWith("Duplicate field '")) {
            return new InvalidManifestException(InvalidManifestException.Kind.MALFORMED,
                    List.of(new ManifestChecks.Finding(path, "a key appears twice in one object" + where)));
        }
        String what = e instanceof JsonEOFException ? "the JSON ends too early" : "malformed JSON";
        return new InvalidManifestException(InvalidManifestException.Kind.MALFORMED, List.of(new ManifestChecks.Finding(path, what + where)));
    }

    /** Where in the tree the parser was, as a JSON pointer: key names only, never values. */
    private static String pointer(JsonProcessingException e) {
        if (e.getProcessor() instanceof JsonParser parser) {
            return parser.getParsingContext().pathAsPointer().toString();
        }
        return "";
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        return node.isTextual() ? "a string" : node.isNumber() ? "a number" : node.isBoolean() ? "a boolean" : "null";
    }
}
