package ai.dsp.platform.store;

import ai.dsp.platform.store.MetadataFilter.Access;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACL inside the store query, as a property: for generated documents (allowed groups and
 * users, or none), callers (a subject and groups), the default for documents without an ACL and
 * a request filter, no keyword or vector search returns a chunk the caller may not see, and
 * every chunk the caller may see and the filter matches is found. Each store supplies itself.
 */
public abstract class AccessProperty {

    protected static final int DIMENSIONS = 4;
    private static final List<String> GROUPS = List.of("g1", "g2", "g3", "g4");
    private static final List<String> USERS = List.of("u1", "u2", "u3");
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    /** The store all tries of the property write into, each into a collection of its own. */
    protected abstract ChunkStore store();

    record Doc(String id, Set<String> allowedGroups, Set<String> allowedUsers, String team, float[] vector) {

        boolean restricted() {
            return !allowedGroups.isEmpty() || !allowedUsers.isEmpty();
        }

        boolean visibleTo(String subject, Set<String> groups, boolean unrestrictedVisible) {
            if (!restricted()) {
                return unrestrictedVisible;
            }
            return allowedUsers.contains(subject) || allowedGroups.stream().anyMatch(groups::contains);
        }
    }

    record Caller(String subject, Set<String> groups) {
    }

    @Property(tries = 25)
    void noSearchReturnsWhatItsCallerMayNotSeeAndNothingVisibleIsMissed(@ForAll("corpora") List<Doc> docs, @ForAll("callers") Caller caller,
                                                                        @ForAll boolean unrestrictedVisible,
                                                                        @ForAll("teams") Optional<String> team) {
        String collection = "acl" + COLLECTIONS.incrementAndGet();
        for (Doc doc : docs) {
            store().replaceDocument(collection, doc.id(), List.of(chunk(doc)));
        }
        List<MetadataFilter> filters = new ArrayList<>();
        filters.add(new Access(caller.subject(), List.copyOf(caller.groups()), unrestrictedVisible));
        team.ifPresent(value -> filters.add(new MetadataFilter.Equals("team", value)));
        Set<String> expected = new LinkedHashSet<>();
        docs.stream().filter(doc -> doc.visibleTo(caller.subject(), caller.groups(), unrestrictedVisible))
                .filter(doc -> team.isEmpty() || team.get().equals(doc.team())).forEach(doc -> expected.add(doc.id()));

        List<String> keyword = ChunkStoreContract.documentIds(store().searchKeyword(
                new SearchRequest(collection, "quarterly report", null, 100, filters)));
        List<String> dense = ChunkStoreContract.documentIds(store().searchVector(
                new SearchRequest(collection, null, new float[]{1, 1, 1, 1}, 100, filters)));

        assertThat(keyword).as("keyword hits").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(dense).as("vector hits").isSubsetOf(expected);
        // with fewer documents than k, HNSW finds them all
        assertThat(dense).as("vector hits").containsExactlyInAnyOrderElementsOf(expected);
    }

    @Provide
    Arbitrary<List<Doc>> corpora() {
        Arbitrary<Doc> doc = Combinators.combine(
                Arbitraries.subsetOf(GROUPS.subList(0, 3)),
                Arbitraries.subsetOf(USERS.subList(0, 2)),
                Arbitraries.of("red", "blue"),
                Arbitraries.floats().between(0.1f, 1f).array(float[].class).ofSize(DIMENSIONS),
                Arbitraries.integers().between(0, 1_000_000))
                .as((groups, users, team, vector, n) -> new Doc("doc-" + n, groups, users, team, vector));
        return doc.list().ofMinSize(1).ofMaxSize(12).uniqueElements(Doc::id);
    }

    @Provide
    Arbitrary<Caller> callers() {
        return Combinators.combine(Arbitraries.of(USERS), Arbitraries.subsetOf(GROUPS)).as(Caller::new);
    }

    @Provide
    Arbitrary<Optional<String>> teams() {
        return Arbitraries.of("red", "blue").optional();
    }

    private static Chunk chunk(Doc doc) {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("team", doc.team());
        if (!doc.allowedGroups().isEmpty()) {
            metadata.put(Access.ALLOWED_GROUPS, List.copyOf(doc.allowedGroups()));
        }
        if (!doc.allowedUsers().isEmpty()) {
            metadata.put(Access.ALLOWED_USERS, List.copyOf(doc.allowedUsers()));
        }
        return new Chunk(doc.id(), 0, "The quarterly report of " + doc.id(), doc.vector(), 0, 10, List.of(), doc.id() + ".txt", metadata);
    }
}
