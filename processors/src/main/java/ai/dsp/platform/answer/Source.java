package ai.dsp.platform.answer;
public record Source(int number, String documentId, String chunkId, String filename, String text, double score) {}
