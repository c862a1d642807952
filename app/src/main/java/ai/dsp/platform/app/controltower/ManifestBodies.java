package ai.dsp.platform.app.controltower;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.controltower.manifest.ManifestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies of the manifest API, read within the size and depth limits
 * ({@code dsp.control-tower.max-manifest-size}, {@code max-depth}) before anything parses them
 * further: the seed's {@code {"manifest": {...}}}, or the manifest itself.
 */
@Component
public class ManifestBodies {

    private final ManifestJson parser;

    public ManifestBodies(ManifestJson parser) {
        this.parser = parser;
    }

    /** The manifest of a write or validate call. */
    ObjectNode manifest(Exchange exchange) {
        ObjectNode body = object(exchange);
        JsonNode wrapped = body.get("manifest");
        if (wrapped != null) {
            if (!wrapped.isObject()) {
                throw new BadRequestException("manifest is a JSON object");
            }
            return (ObjectNode) wrapped;
        }
        if (!body.has("project_id")) {
            throw new BadRequestException("the body is {\"manifest\": {...}} or a manifest with a project_id");
        }
        return body;
    }

    /** Any JSON object body, within the limits. */
    ObjectNode object(Exchange exchange) {
        Long declared = exchange.getMessage().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > parser.limits().maxBytes()) {
            throw parser.tooLarge();
        }
        Object body = exchange.getMessage().getBody();
        if (body instanceof byte[] bytes) {
            return parser.parse(bytes);
        }
        try (InputStream in = body == null ? null : exchange.getMessage().getBody(InputStream.class)) {
            if (in == null) {
                throw new BadRequestException("the request has no body");
            }
            return parser.parse(in);
        } catch (IOException e) {
            throw new BadRequestException("the request body could not be read");
        }
    }
}
