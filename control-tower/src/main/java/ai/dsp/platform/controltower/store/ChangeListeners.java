package ai.dsp.platform.controltower.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The {@link ManifestStore#onChange} listeners of one store; one that throws is logged and the others still hear. */
final class ChangeListeners {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeListeners.class);

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<String> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void changed(String projectId) {
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(projectId);
            } catch (RuntimeException e) {
                LOG.warn("a manifest change listener failed for {}", projectId, e);
            }
        }
    }
}
