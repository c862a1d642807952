package ai.dsp.platform.app.http;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.ingest.DocumentIntake;
import ai.dsp.platform.ingest.IngestJob;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code multipart/form-data} uploads with the servlet part API: every file part
 * (any field name, repeated names included), plus the optional {@code collection} and
 * {@code metadata} (a JSON object) fields.
 */
@Component("uploadReader")
public class UploadReader {

    private final DocumentIntake intake;
    private final ObjectMapper json;

    public UploadReader(DocumentIntake intake, ObjectMapper json) {
        this.intake = intake;
        this.json = json;
    }

    public List<IngestJob> read(Exchange exchange) {
        return readInto(exchange, null);
    }

    /**
     * As {@link #read(Exchange)}, into {@code collection} whatever the form names (a Front Door RAG
     * module's); null = the form's. A name of its own: routes call {@code read} by name, and an
     * overload would leave Camel to choose.
     */
    public List<IngestJob> readInto(Exchange exchange, String collection) {
        HttpServletRequest request = servletRequest(exchange);
        List<DocumentIntake.Upload> uploads = new ArrayList<>();
        String named = null;
        String metadata = null;
        for (Part part : parts(request)) {
            if (part.getSubmittedFileName() != null) {
                uploads.add(new DocumentIntake.Upload(filename(part.getSubmittedFileName()), bytes(part)));
            } else if ("collection".equals(part.getName())) {
                named = text(part);
            } else if ("metadata".equals(part.getName())) {
                metadata = text(part);
            }
        }
        if (uploads.isEmpty()) {
            throw new BadRequestException("the multipart request has no file part");
        }
        return intake.fromUploads(uploads, collection != null ? collection : named, metadata(metadata), HttpEntry.requestId(exchange));
    }

    private static HttpServletRequest servletRequest(Exchange exchange) {
        PlatformHttpMessage message = exchange.getIn(PlatformHttpMessage.class);
        if (message == null || message.getRequest() == null) {
            throw new BadRequestException("send the files as multipart/form-data");
        }
        return message.getRequest();
    }

    private static java.util.Collection<Part> parts(HttpServletRequest request) {
        try {
            return request.getParts();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ServletException | IllegalStateException e) {
            throw new BadRequestException("could not read the multipart body: " + e.getMessage());
        }
    }

    private Map<String, Object> metadata(String raw) {
        if (raw == null || raw.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(raw, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new BadRequestException("'metadata' must be a JSON object: " + e.getOriginalMessage());
        }
    }

    private static String filename(String name) {
        if (name.isBlank()) {
            throw new BadRequestException("every file part needs a filename");
        }
        // browsers on Windows may send a full path; only the last segment is the file's name
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    }

    private static byte[] bytes(Part part) {
        try (var in = part.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Part part) {
        return new String(bytes(part), java.nio.charset.StandardCharsets.UTF_8);
    }
}
