package ai.dsp.platform.retrieve;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum RetrievalMode {
    HYBRID, DENSE, KEYWORD;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RetrievalMode fromWire(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
