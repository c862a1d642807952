package ai.dsp.platform.ingest;
public final class Chunker { public java.util.List<TextChunk> split(String text) { throw new UnsupportedOperationException(); } }
