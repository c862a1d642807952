package ai.dsp.platform.graph;

/** A chunk of a document with what it says as a graph, as the ingestion step hands it to the {@link GraphStore}. */
public record GraphChunk(String chunkId, int index, ExtractedGraph graph) {
}
