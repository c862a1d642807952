package ai.dsp.platform.graph;

/** Reads entities and relations out of a chunk's text, at ingestion, and out of a question, at query time. */
public interface EntityExtractor {

    ExtractedGraph extract(String text);
}
