package ai.dsp.platform.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * LDAP users beside the users file (the seed's {@code AUTH_METHOD=ldap}).
 *
 * @param enabled           look a username up in LDAP when the users file does not know it
 * @param url               {@code ldap://host:389} or {@code ldaps://host:636}
 * @param userDnPattern     direct bind: the user's DN with {@code {0}} for the username (escaped
 *                          as a DN value), e.g. {@code uid={0},ou=people,dc=example,dc=com}
 * @param userSearchBase    search bind (when no pattern): where to find the user, as the bind DN
 * @param userSearchFilter  the search's filter with {@code {0}} for the username (escaped as a
 *                          filter value), e.g. {@code (uid={0})} or {@code (sAMAccountName={0})}
 * @param bindDn            the service account that searches (from the environment: {@code LDAP_BIND_DN})
 * @param bindPassword      its password (from the environment only: {@code LDAP_BIND_PASSWORD})
 * @param groupSearchBase   where the groups are; empty: no groups
 * @param groupSearchFilter the groups a user is in, {@code {0}} for the user's DN, e.g. {@code (member={0})}
 * @param groupNameAttribute the group's name in the {@code groups} claim (default {@code cn})
 * @param groupRoles        group name to the roles it grants, e.g. {@code platform-admins: [admin, user]}
 * @param defaultRoles      roles every LDAP user has (default {@code user})
 * @param timeout           connect and response timeout
 */
@ConfigurationProperties("dsp.auth.ldap")
public record LdapProperties(Boolean enabled, String url, String userDnPattern, String userSearchBase, String userSearchFilter,
                             String bindDn, String bindPassword, String groupSearchBase, String groupSearchFilter,
                             String groupNameAttribute, Map<String, List<String>> groupRoles, List<String> defaultRoles,
                             Duration timeout) {

    public LdapProperties {
        enabled = enabled != null && enabled;
        groupSearchFilter = groupSearchFilter == null || groupSearchFilter.isBlank() ? "(member={0})" : groupSearchFilter;
        groupNameAttribute = groupNameAttribute == null || groupNameAttribute.isBlank() ? "cn" : groupNameAttribute;
        groupRoles = groupRoles == null ? Map.of() : Map.copyOf(groupRoles);
        defaultRoles = defaultRoles == null ? List.of("user") : List.copyOf(defaultRoles);
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        if (enabled && (url == null || url.isBlank())) {
            throw new IllegalArgumentException("dsp.auth.ldap.url is required when LDAP is enabled");
        }
        if (enabled && blank(userDnPattern) && (blank(userSearchBase) || blank(userSearchFilter))) {
            throw new IllegalArgumentException("LDAP needs dsp.auth.ldap.user-dn-pattern, or user-search-base with user-search-filter");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
