package ai.dsp.platform.app.http;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.ingest.DocumentIntake;
import ai.dsp.platform.ingest.IngestJob;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.http.common.HttpMessage;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code multipart/form-data} uploads straight from the servlet request: every file part
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
        MultipartHttpServletRequest request = multipart(exchange);
        List<DocumentIntake.Upload> uploads = new ArrayList<>();
        for (MultipartFile file : request.getMultiFileMap().values().stream().flatMap(List::stream).toList()) {
            uploads.add(new DocumentIntake.Upload(filename(file), bytes(file)));
        }
        if (uploads.isEmpty()) {
            throw new BadRequestException("the multipart request has no file part");
        }
        return intake.fromUploads(uploads, request.getParameter("collection"), metadata(request.getParameter("metadata")),
                HttpEntry.requestId(exchange));
    }

    private static MultipartHttpServletRequest multipart(Exchange exchange) {
        HttpServletRequest request = exchange.getIn(HttpMessage.class) == null ? null : exchange.getIn(HttpMessage.class).getRequest();
        if (request instanceof MultipartHttpServletRequest multipart) {
            return multipart;
        }
        throw new BadRequestException("send the files as multipart/form-data");
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

    private static String filename(MultipartFile file) {
        String name = file.getOriginalFilename();
        if (name == null || name.isBlank()) {
            throw new BadRequestException("every file part needs a filename");
        }
        // browsers on Windows may send a full path; only the last segment is the file's name
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
