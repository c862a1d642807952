package ai.dsp.platform.document;

/** Lifecycle of a document; {@code failed} always carries a reason. */
public enum DocumentStatus {
    RECEIVED, PROCESSING, INDEXED, FAILED, DELETED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static DocumentStatus fromWire(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
