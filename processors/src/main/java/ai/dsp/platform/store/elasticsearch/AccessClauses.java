package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.MetadataFilter.Access;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;

import java.util.ArrayList;
import java.util.List;

/** {@link Access} as an Elasticsearch filter over two keyword fields, for the chunk store and the document registry alike. */
public final class AccessClauses {

    private AccessClauses() {
    }

    public static Query of(Access access, String usersField, String groupsField) {
        List<Query> visible = new ArrayList<>();
        if (access.subject() != null) {
            visible.add(term(usersField, access.subject()));
        }
        access.groups().forEach(group -> visible.add(term(groupsField, group)));
        if (access.unrestrictedVisible()) {
            visible.add(Query.of(q -> q.bool(b -> b.mustNot(exists(usersField)).mustNot(exists(groupsField)))));
        }
        if (visible.isEmpty()) {
            return Query.of(q -> q.matchNone(m -> m));
        }
        return Query.of(q -> q.bool(b -> b.should(visible).minimumShouldMatch("1")));
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
    }

    private static Query exists(String field) {
        return Query.of(q -> q.exists(e -> e.field(field)));
    }
}
