package ai.dsp.platform.app.controltower;

import ai.dsp.platform.api.BadRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies of the manifest API, read with the size and depth limits before anything
 * parses them further: the seed's {@code {"manifest": {...}}}, or the manifest itself.
 */
@Component
public class ManifestBodies {

    private final ManifestLimits limits;

    public ManifestBodies(ManifestLimits limits) {
        this.limits = limits;
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
        return limits.parse(bytes(exchange));
    }

    private byte[] bytes(Exchange exchange) {
        Long declared = exchange.getMessage().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > limits.maxBytes()) {
            throw limits.tooLarge();
        }
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            throw new BadRequestException("the request has no body");
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            if (in == null) {
                throw new BadRequestException("the request has no body");
            }
            // one byte past the limit is enough to know it is too large
            byte[] bytes = in.readNBytes(limits.maxBytes() + 1);
            if (bytes.length > limits.maxBytes()) {
                throw limits.tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new BadRequestException("the request body could not be read");
        }
    }
}
