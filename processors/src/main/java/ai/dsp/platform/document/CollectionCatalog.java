package ai.dsp.platform.document;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.store.StoreArguments;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;

/**
 * Which collections exist: the configured ones (at least {@code default}) and every collection
 * that documents were ingested into.
 */
public final class CollectionCatalog {

    public static final String DEFAULT = "default";
    private static final Pattern NAME = StoreArguments.COLLECTION_NAME;

    private final Set<String> configured;
    private final DocumentRegistry registry;

    public CollectionCatalog(List<String> configured, DocumentRegistry registry) {
        this.configured = new ConcurrentSkipListSet<>(configured);
        this.configured.add(DEFAULT);
        this.registry = registry;
    }

    /** The collection a request names, {@code default} when it names none; 404 when unknown. */
    public String requireKnown(String requested) {
        String name = requireValidName(requested);
        // Every query passes here: a configured collection needs no look-up in the registry.
        if (!configured.contains(name) && !registry.collections().contains(name)) {
            throw new NotFoundException("collection '" + name + "' does not exist");
        }
        return name;
    }

    /** The collection a new document goes to; any valid name creates it. */
    public static String requireValidName(String requested) {
        String name = requested == null || requested.isBlank() ? DEFAULT : requested.trim();
        if (!NAME.matcher(name).matches()) {
            throw new BadRequestException("collection must match " + NAME.pattern() + ": '" + name + "'");
        }
        return name;
    }

    /** A collection that exists before any document arrives: a RAG module of a project manifest. */
    public void declare(String name) {
        configured.add(requireValidName(name));
    }

    public Set<String> names() {
        Set<String> names = new TreeSet<>(configured);
        names.addAll(registry.collections());
        return names;
    }
}
