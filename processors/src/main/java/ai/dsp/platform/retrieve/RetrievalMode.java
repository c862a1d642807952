package ai.dsp.platform.retrieve;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How a query is answered: keyword (BM25), dense (kNN), hybrid (both, fused by RRF), graph (the
 * knowledge graph's traversal from the question's entities) and hybrid+graph (all three fused).
 */
public enum RetrievalMode {
    HYBRID("hybrid"), DENSE("dense"), KEYWORD("keyword"), GRAPH("graph"), HYBRID_GRAPH("hybrid+graph");

    private final String wire;

    RetrievalMode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static RetrievalMode fromWire(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (RetrievalMode mode : values()) {
            if (mode.wire.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown retrieval mode '" + value + "': one of hybrid, dense, keyword, graph, hybrid+graph");
    }

    public boolean usesGraph() {
        return this == GRAPH || this == HYBRID_GRAPH;
    }
}
