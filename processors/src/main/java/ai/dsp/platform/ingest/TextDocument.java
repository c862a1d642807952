package ai.dsp.platform.ingest;

import java.util.Map;

/** One entry of {@code POST /api/v1/documents/text}. */
public record TextDocument(String id, String content, String filename, Map<String, Object> metadata) {
}
