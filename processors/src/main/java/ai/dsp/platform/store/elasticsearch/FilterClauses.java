package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.MetadataFilter;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates {@link MetadataFilter}s into Elasticsearch filter clauses over the fields written by
 * {@link ChunkSources}, with the embedded store's semantics: numbers compare numerically, strings
 * and booleans exactly, {@code documentId} and {@code filename} address the chunk's own fields.
 */
final class FilterClauses {

    private FilterClauses() {
    }

    /** One clause per filter, all of which must hold. */
    static List<Query> allOf(List<MetadataFilter> filters) {
        return filters.stream().map(FilterClauses::toQuery).toList();
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
        return AccessClauses.of(access, keywordField(MetadataFilter.Access.ALLOWED_USERS), keywordField(MetadataFilter.Access.ALLOWED_GROUPS));
    }

    private static Query equalTo(String field, Object value) {
        if (isChunkField(field) && value != null) {
            return term(field, FieldValue.of(value.toString()));
        }
        if (value instanceof Number number) {
            return term(numericField(field), FieldValue.of(number.doubleValue()));
        }
        if (value instanceof String || value instanceof Boolean) {
            return term(keywordField(field), FieldValue.of(value.toString()));
        }
        throw new IllegalArgumentException("Filter on '" + field + "' needs a string, number or boolean, got " + value);
    }

    private static Query anyOf(MetadataFilter.In in) {
        if (in.values().isEmpty()) {
            return Query.of(q -> q.matchNone(m -> m));
        }
        List<Query> any = in.values().stream().map(value -> equalTo(in.field(), value)).toList();
        return Query.of(q -> q.bool(b -> b.should(any).minimumShouldMatch("1")));
    }

    private static Query within(MetadataFilter.Range range) {
        List<Query> bounds = new ArrayList<>();
        addBound(bounds, range.field(), "gte", range.gte());
        addBound(bounds, range.field(), "gt", range.gt());
        addBound(bounds, range.field(), "lte", range.lte());
        addBound(bounds, range.field(), "lt", range.lt());
        if (bounds.isEmpty()) {
            return hasValue(range.field());
        }
        return bounds.size() == 1 ? bounds.get(0) : Query.of(q -> q.bool(b -> b.filter(bounds)));
    }

    private static void addBound(List<Query> bounds, String field, String operator, Object bound) {
        if (bound == null) {
            return;
        }
        String target;
        if (bound instanceof Number) {
            target = numericField(field);
        } else if (bound instanceof String) {
            target = keywordField(field);
        } else {
            throw new IllegalArgumentException("Range on '" + field + "' needs string or number bounds, got " + bound);
        }
        JsonData value = JsonData.of(bound instanceof Number number ? (Object) number.doubleValue() : bound);
        bounds.add(Query.of(q -> q.range(r -> r.untyped(u -> {
            u.field(target);
            return switch (operator) {
                case "gte" -> u.gte(value);
                case "gt" -> u.gt(value);
                case "lte" -> u.lte(value);
                default -> u.lt(value);
            };
        }))));
    }

    /** An unbounded range means "has any value", whichever type the values have. */
    private static Query hasValue(String field) {
        return Query.of(q -> q.bool(b -> b
                .should(s -> s.exists(e -> e.field(keywordField(field))))
                .should(s -> s.exists(e -> e.field(numericField(field))))
                .minimumShouldMatch("1")));
    }

    private static Query term(String field, FieldValue value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    private static String keywordField(String field) {
        return isChunkField(field) ? field : ChunkSources.KEYWORD_PREFIX + field;
    }

    private static String numericField(String field) {
        return ChunkSources.NUMERIC_PREFIX + field;
    }

    private static boolean isChunkField(String field) {
        return ChunkSources.DOCUMENT_ID.equals(field) || ChunkSources.FILENAME.equals(field);
    }
}
