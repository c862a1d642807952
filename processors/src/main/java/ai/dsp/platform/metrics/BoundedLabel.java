package ai.dsp.platform.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A label whose values come from outside: the first {@code max} distinct ones are kept, the rest become {@link #OTHER}. */
final class BoundedLabel {

    static final String OTHER = "_other";
    static final String NONE = "_none";

    private final int max;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    BoundedLabel(int max) {
        this.max = max;
    }

    String value(String raw) {
        if (raw == null || raw.isBlank()) {
            return NONE;
        }
        if (admitted.contains(raw)) {
            return raw;
        }
        synchronized (admitted) {
            if (admitted.size() < max) {
                admitted.add(raw);
                return raw;
            }
        }
        return admitted.contains(raw) ? raw : OTHER;
    }
}
