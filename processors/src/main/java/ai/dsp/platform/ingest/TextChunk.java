package ai.dsp.platform.ingest;
import java.util.List;
public record TextChunk(int ordinal, String text, int startOffset, int endOffset, List<String> headingPath) {}
