package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.LdapProperties;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Users in LDAP (UnboundID SDK): the user's DN from a pattern or a search by the service
 * account, then a bind with the user's own password; groups from a search, roles from a
 * group-to-role map. Every username goes into a DN or a filter escaped (the seed put it into the
 * filter as typed), and an empty password is refused before any bind (LDAP takes it as an
 * anonymous bind that succeeds).
 */
public final class LdapDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(LdapDirectory.class);

    private final LdapProperties properties;
    private final LDAPURL url;

    public LdapDirectory(LdapProperties properties) {
        this.properties = properties;
        try {
            this.url = new LDAPURL(properties.url());
        } catch (LDAPException e) {
            throw new IllegalArgumentException("dsp.auth.ldap.url is not an LDAP URL: " + properties.url(), e);
        }
    }

    public UserAccount authenticate(String username, String password) {
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            throw new AuthenticationFailedException();
        }
        try (LDAPConnection connection = connect()) {
            SearchResultEntry user = bindAsUser(connection, username, password);
            if (user == null) {
                throw new AuthenticationFailedException();
            }
            List<String> groups = groupsOf(connection, user.getDN());
            return new UserAccount(username, user.getAttributeValue("cn"), user.getAttributeValue("mail"), groups, roles(groups));
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                throw new AuthenticationFailedException();
            }
            // the directory is down or refuses the service account: no login, and a log line for the operator
            LOG.error("LDAP at {} failed: {} ({})", properties.url(), e.getResultCode(), e.getDiagnosticMessage());
            throw new AuthenticationFailedException();
        }
    }

    /** Binds with the user's own password; the user's entry (cn, mail), or null for a user not there. */
    private SearchResultEntry bindAsUser(LDAPConnection connection, String username, String password) throws LDAPException {
        if (properties.userDnPattern() != null && !properties.userDnPattern().isBlank()) {
            String dn = userDn(username).toString();
            connection.bind(dn, password);
            return connection.getEntry(dn, "cn", "mail");
        }
        bindService(connection);
        Filter filter = Filter.create(properties.userSearchFilter().replace("{0}", Filter.encodeValue(username)));
        SearchResult result = connection.search(properties.userSearchBase(), SearchScope.SUB, filter, "cn", "mail");
        if (result.getEntryCount() != 1) {
            return null;
        }
        SearchResultEntry user = result.getSearchEntries().get(0);
        connection.bind(user.getDN(), password);
        return user;
    }

    /** The pattern's first RDN with the username as its (escaped) value, then the rest of the pattern. */
    DN userDn(String username) throws LDAPException {
        String pattern = properties.userDnPattern();
        int comma = pattern.indexOf(',');
        String first = comma < 0 ? pattern : pattern.substring(0, comma);
        int equals = first.indexOf('=');
        if (equals < 0 || !first.substring(equals + 1).equals("{0}")) {
            throw new IllegalArgumentException("dsp.auth.ldap.user-dn-pattern must start with <attribute>={0}, was " + pattern);
        }
        RDN rdn = new RDN(first.substring(0, equals), username);
        return comma < 0 ? new DN(rdn) : new DN(rdn, new DN(pattern.substring(comma + 1)));
    }

    private void bindService(LDAPConnection connection) throws LDAPException {
        if (properties.bindDn() != null && !properties.bindDn().isBlank()) {
            connection.bind(properties.bindDn(), properties.bindPassword());
        }
    }

    private List<String> groupsOf(LDAPConnection connection, String userDn) throws LDAPException {
        if (properties.groupSearchBase() == null || properties.groupSearchBase().isBlank()) {
            return List.of();
        }
        // group search with the service account where there is one, else as the user just bound
        bindService(connection);
        Filter filter = Filter.create(properties.groupSearchFilter().replace("{0}", Filter.encodeValue(userDn)));
        List<String> groups = new ArrayList<>();
        for (SearchResultEntry group : connection.search(properties.groupSearchBase(), SearchScope.SUB, filter,
                properties.groupNameAttribute()).getSearchEntries()) {
            String name = group.getAttributeValue(properties.groupNameAttribute());
            if (name != null) {
                groups.add(name);
            }
        }
        return groups;
    }

    private List<String> roles(List<String> groups) {
        Set<String> roles = new LinkedHashSet<>(properties.defaultRoles());
        groups.forEach(group -> roles.addAll(properties.groupRoles().getOrDefault(group, List.of())));
        return List.copyOf(roles);
    }

    private LDAPConnection connect() throws LDAPException {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) properties.timeout().toMillis());
        options.setResponseTimeoutMillis(properties.timeout().toMillis());
        if ("ldaps".equalsIgnoreCase(url.getScheme())) {
            try {
                // the JVM's trust store: a directory with a certificate nobody vouches for is refused
                SSLUtil ssl = new SSLUtil(new TrustStoreTrustManager(System.getProperty("java.home") + "/lib/security/cacerts"));
                return new LDAPConnection(ssl.createSSLSocketFactory(), options, url.getHost(), url.getPort());
            } catch (GeneralSecurityException e) {
                throw new LDAPException(ResultCode.CONNECT_ERROR, "TLS setup failed: " + e.getMessage(), e);
            }
        }
        return new LDAPConnection(options, url.getHost(), url.getPort());
    }
}
