package ai.dsp.platform.ingest;
import java.util.Map;
public record Extraction(String text, String contentType, String title, Map<String, String> properties) {}
