package ai.dsp.platform.store.lucene;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.dsp.platform.lucene.AccessQuery;
import ai.dsp.platform.store.MetadataFilter;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;

/**
 * Translates {@link MetadataFilter}s into Lucene queries over the fields written by
 * {@link ChunkDocuments}. {@code documentId} and {@code filename} address the chunk's own
 * fields and take precedence over metadata keys of the same name.
 */
final class FilterQueries {

    private FilterQueries() {
    }

    /** The conjunction of all filters, or empty when there is none. */
    static Optional<Query> allOf(List<MetadataFilter> filters) {
        if (filters.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(conjunction(filters.stream().map(FilterQueries::toQuery).toList()));
    }

    static Query toQuery(MetadataFilter filter) {
        if (filter instanceof MetadataFilter.Equals equals) {
            return equalTo(equals.field(), equals.value());
        }
        if (filter instanceof MetadataFilter.In in) {
            return anyOf(in);
        }
        if (filter instanceof MetadataFilter.Range range) {
            return within(range);
        }
        if (filter instanceof MetadataFilter.Access access) {
            return visibleTo(access);
        }
        throw new IllegalArgumentException("Unsupported filter " + filter);
    }

    private static Query visibleTo(MetadataFilter.Access access) {
        return AccessQuery.of(access, keywordField(MetadataFilter.Access.ALLOWED_USERS), keywordField(MetadataFilter.Access.ALLOWED_GROUPS));
    }

    private static Query equalTo(String field, Object value) {
        if (isChunkField(field) && value != null) {
            return new TermQuery(new Term(field, value.toString()));
        }
        if (value instanceof Number number) {
            return DoublePoint.newExactQuery(numericField(field), number.doubleValue());
        }
        if (value instanceof String || value instanceof Boolean) {
            return new TermQuery(new Term(keywordField(field), value.toString()));
        }
        throw new IllegalArgumentException("Filter on '" + field + "' needs a string, number or boolean, got " + value);
    }

    private static Query anyOf(MetadataFilter.In in) {
        if (in.values().isEmpty()) {
            return new MatchNoDocsQuery("empty In filter on " + in.field());
        }
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        in.values().forEach(value -> any.add(equalTo(in.field(), value), Occur.SHOULD));
        return any.build();
    }

    private static Query within(MetadataFilter.Range range) {
        List<Query> bounds = new ArrayList<>();
        if (range.gte() != null) {
            bounds.add(lowerBound(range.field(), range.gte(), true));
        }
        if (range.gt() != null) {
            bounds.add(lowerBound(range.field(), range.gt(), false));
        }
        if (range.lte() != null) {
            bounds.add(upperBound(range.field(), range.lte(), true));
        }
        if (range.lt() != null) {
            bounds.add(upperBound(range.field(), range.lt(), false));
        }
        return bounds.isEmpty() ? hasValue(range.field()) : conjunction(bounds);
    }

    private static Query lowerBound(String field, Object bound, boolean inclusive) {
        if (bound instanceof Number number) {
            double value = number.doubleValue();
            return DoublePoint.newRangeQuery(numericField(field),
                    inclusive ? value : Math.nextUp(value), Double.POSITIVE_INFINITY);
        }
        if (bound instanceof String text) {
            return TermRangeQuery.newStringRange(keywordField(field), text, null, inclusive, false);
        }
        throw invalidBound(field, bound);
    }

    private static Query upperBound(String field, Object bound, boolean inclusive) {
        if (bound instanceof Number number) {
            double value = number.doubleValue();
            return DoublePoint.newRangeQuery(numericField(field),
                    Double.NEGATIVE_INFINITY, inclusive ? value : Math.nextDown(value));
        }
        if (bound instanceof String text) {
            return TermRangeQuery.newStringRange(keywordField(field), null, text, false, inclusive);
        }
        throw invalidBound(field, bound);
    }

    /** An unbounded range means "has any value", whichever type the values have. */
    private static Query hasValue(String field) {
        return new BooleanQuery.Builder()
                .add(TermRangeQuery.newStringRange(keywordField(field), null, null, true, true), Occur.SHOULD)
                .add(DoublePoint.newRangeQuery(numericField(field),
                        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), Occur.SHOULD)
                .build();
    }

    private static Query conjunction(List<Query> queries) {
        if (queries.size() == 1) {
            return queries.get(0);
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        queries.forEach(query -> all.add(query, Occur.FILTER));
        return all.build();
    }

    private static String keywordField(String field) {
        return isChunkField(field) ? field : ChunkDocuments.KEYWORD_PREFIX + field;
    }

    private static String numericField(String field) {
        return ChunkDocuments.NUMERIC_PREFIX + field;
    }

    private static boolean isChunkField(String field) {
        return ChunkDocuments.DOCUMENT_ID.equals(field) || ChunkDocuments.FILENAME.equals(field);
    }

    private static IllegalArgumentException invalidBound(String field, Object bound) {
        return new IllegalArgumentException("Range on '" + field + "' needs string or number bounds, got " + bound);
    }
}
