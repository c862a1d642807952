package ai.dsp.platform.retrieve;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.store.MetadataFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the request's {@code filter} object: {@code {"field": value}} is equality,
 * {@code {"field": {"in": [..]}}} membership and {@code {"field": {"gte"|"gt"|"lte"|"lt": ..}}} a range.
 */
public final class FilterParser {

    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Set<String> RANGE_KEYS = Set.of("gte", "gt", "lte", "lt");

    private FilterParser() {
    }

    public static List<MetadataFilter> parse(Map<String, Object> filter) {
        if (filter == null || filter.isEmpty()) {
            return List.of();
        }
        List<MetadataFilter> filters = new ArrayList<>(filter.size());
        filter.forEach((field, condition) -> filters.add(parseCondition(requireField(field), condition)));
        return filters;
    }

    private static MetadataFilter parseCondition(String field, Object condition) {
        if (condition instanceof Map<?, ?> operators) {
            return parseOperators(field, operators);
        }
        if (condition instanceof List<?> values) {
            return new MetadataFilter.In(field, scalars(field, values));
        }
        return new MetadataFilter.Equals(field, scalar(field, condition));
    }

    private static MetadataFilter parseOperators(String field, Map<?, ?> operators) {
        if (operators.size() == 1 && operators.containsKey("in")) {
            if (!(operators.get("in") instanceof List<?> values) || values.isEmpty()) {
                throw new BadRequestException("filter '" + field + "': 'in' needs a non-empty list");
            }
            return new MetadataFilter.In(field, scalars(field, values));
        }
        if (operators.isEmpty() || !RANGE_KEYS.containsAll(operators.keySet())) {
            throw new BadRequestException("filter '" + field + "': use a value, {\"in\": [...]} or any of gte, gt, lte, lt");
        }
        return new MetadataFilter.Range(field, bound(field, operators, "gte"), bound(field, operators, "gt"),
                bound(field, operators, "lte"), bound(field, operators, "lt"));
    }

    private static Object bound(String field, Map<?, ?> operators, String key) {
        return operators.containsKey(key) ? scalar(field, operators.get(key)) : null;
    }

    private static List<Object> scalars(String field, List<?> values) {
        return values.stream().map(v -> scalar(field, v)).toList();
    }

    private static Object scalar(String field, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw new BadRequestException("filter '" + field + "': values must be strings, numbers or booleans");
    }

    private static String requireField(String field) {
        if (field == null || !FIELD.matcher(field).matches()) {
            throw new BadRequestException("filter field names must match " + FIELD.pattern());
        }
        return field;
    }
}
