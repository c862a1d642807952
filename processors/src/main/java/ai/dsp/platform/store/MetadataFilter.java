package ai.dsp.platform.store;

import java.util.List;
import java.util.Map;

/**
 * A condition on a document metadata field, applied inside the search (pre-filter) so that
 * k results stay k results. Values are strings or numbers.
 */
public sealed interface MetadataFilter {

    String field();

    record Equals(String field, Object value) implements MetadataFilter {
    }

    record In(String field, List<Object> values) implements MetadataFilter {
        public In {
            values = List.copyOf(values);
        }
    }

    /** Bounds may be null (open); numbers compare numerically, strings lexicographically. */
    record Range(String field, Object gte, Object gt, Object lte, Object lt) implements MetadataFilter {
    }

    /**
     * What a caller may see: chunks whose {@code allowed_users} holds {@code subject} or whose
     * {@code allowed_groups} holds one of {@code groups}, and, when {@code unrestrictedVisible},
     * chunks that carry neither list (documents without an ACL).
     */
    record Access(String subject, List<String> groups, boolean unrestrictedVisible) implements MetadataFilter {

        public static final String ALLOWED_USERS = "allowed_users";
        public static final String ALLOWED_GROUPS = "allowed_groups";

        public Access {
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        /** The same rule for one document's metadata, where a single record is looked up by id. */
        public boolean permits(Map<String, Object> metadata) {
            List<String> users = values(metadata.get(ALLOWED_USERS));
            List<String> allowedGroups = values(metadata.get(ALLOWED_GROUPS));
            if (users.isEmpty() && allowedGroups.isEmpty()) {
                return unrestrictedVisible;
            }
            return (subject != null && users.contains(subject)) || allowedGroups.stream().anyMatch(groups::contains);
        }

        /** The ACL lists of a document's metadata, for stores that index them apart. */
        public static List<String> values(Object value) {
            if (value instanceof List<?> list) {
                return list.stream().filter(java.util.Objects::nonNull).map(Object::toString).toList();
            }
            return value == null ? List.of() : List.of(value.toString());
        }

        @Override
        public String field() {
            return "acl";
        }
    }
}
