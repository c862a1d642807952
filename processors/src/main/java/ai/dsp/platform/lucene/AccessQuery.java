package ai.dsp.platform.lucene;

import ai.dsp.platform.store.MetadataFilter.Access;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;

/** {@link Access} as a Lucene filter over two keyword fields, for the chunk store and the document registry alike. */
public final class AccessQuery {

    private AccessQuery() {
    }

    public static Query of(Access access, String usersField, String groupsField) {
        BooleanQuery.Builder visible = new BooleanQuery.Builder();
        if (access.subject() != null) {
            visible.add(new TermQuery(new Term(usersField, access.subject())), Occur.SHOULD);
        }
        access.groups().forEach(group -> visible.add(new TermQuery(new Term(groupsField, group)), Occur.SHOULD));
        if (access.unrestrictedVisible()) {
            visible.add(new BooleanQuery.Builder()
                    .add(new MatchAllDocsQuery(), Occur.FILTER)
                    .add(anyValue(usersField), Occur.MUST_NOT)
                    .add(anyValue(groupsField), Occur.MUST_NOT)
                    .build(), Occur.SHOULD);
        }
        BooleanQuery query = visible.build();
        return query.clauses().isEmpty() ? new MatchNoDocsQuery("nothing is visible to this caller") : query;
    }

    /** Entries with at least one value in the keyword field. */
    private static Query anyValue(String field) {
        return TermRangeQuery.newStringRange(field, null, null, true, true);
    }
}
