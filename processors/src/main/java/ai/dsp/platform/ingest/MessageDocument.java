package ai.dsp.platform.ingest;

import java.util.List;
import java.util.Map;

/**
 * One document as a message bus carries it (Kafka's {@code dsp.documents.v1}): the content is
 * exactly one of {@code text}, base64 {@code content} or a {@code uri} the platform may fetch.
 * {@code acl} ({@code allowed_groups}, {@code allowed_users}) is stored with every chunk for
 * filtering.
 */
public record MessageDocument(
        String id,
        String collection,
        String filename,
        String contentType,
        String text,
        String content,
        String uri,
        Map<String, Object> metadata,
        Map<String, List<String>> acl) {
}
