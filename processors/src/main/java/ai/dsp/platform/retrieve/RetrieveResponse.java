package ai.dsp.platform.retrieve;

import java.util.List;

public record RetrieveResponse(String query, String collection, String mode, List<RetrievedChunk> results, long tookMs) {
}
