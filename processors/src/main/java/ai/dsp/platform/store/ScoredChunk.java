package ai.dsp.platform.store;

/** A chunk found by one retriever, with that retriever's raw score. */
public record ScoredChunk(Chunk chunk, float score) {
}
