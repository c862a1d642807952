package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How the stores turn documents into text and back. Parsing is strict where Jackson is lenient by
 * default, because a lenient parse would silently lose what an operator wrote: a duplicate key
 * would keep only its last value, and text after the document would be ignored.
 */
public final class StoredJson {

    /** Decimals are read as written ({@code 1.50} stays {@code 1.50}): a binary double would change what an operator wrote. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** The layout of the seed's files (Python's {@code json.dump(indent=2)}), the same on every platform. */
    private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());

    private StoredJson() {
    }

    /** The layout of every manifest file this platform writes. */
    public static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** @throws JsonProcessingException when {@code text} is not one JSON object */
    static ObjectNode parseObject(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text);
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new NotAnObjectException();
    }

    /** Valid JSON, but not an object: for the file store a problem like a syntax error. */
    static final class NotAnObjectException extends JsonProcessingException {
        NotAnObjectException() {
            super("not a JSON object");
        }
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }
}
