package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.LdapProperties;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LDAP logins against a real (in-memory UnboundID) directory server on a loopback port. */
class LdapDirectoryTest {

    private static InMemoryDirectoryServer ldap;
    private static String url;

    @BeforeAll
    static void startDirectory() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        config.addAdditionalBindCredentials("cn=svc,dc=example,dc=com", "svc-password");
        config.setSchema(null);
        ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: dc=example,dc=com", "objectClass: top", "objectClass: domain", "dc: example");
        ldap.add("dn: ou=people,dc=example,dc=com", "objectClass: organizationalUnit", "ou: people");
        ldap.add("dn: ou=groups,dc=example,dc=com", "objectClass: organizationalUnit", "ou: groups");
        ldap.add("dn: uid=alice,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: alice", "cn: Alice Smith",
                "sn: Smith", "mail: alice@example.com", "userPassword: alice-password");
        ldap.add("dn: uid=bob,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: bob", "cn: Bob Jones", "sn: Jones",
                "userPassword: bob-password");
        ldap.add("dn: cn=platform-admins,ou=groups,dc=example,dc=com", "objectClass: groupOfNames", "cn: platform-admins",
                "member: uid=alice,ou=people,dc=example,dc=com");
        ldap.add("dn: cn=staff,ou=groups,dc=example,dc=com", "objectClass: groupOfNames", "cn: staff",
                "member: uid=alice,ou=people,dc=example,dc=com", "member: uid=bob,ou=people,dc=example,dc=com");
        ldap.startListening();
        url = "ldap://127.0.0.1:" + ldap.getListenPort();
    }

    @AfterAll
    static void stopDirectory() {
        ldap.shutDown(true);
    }

    @Test
    void aDirectBindGivesTheUsersNameMailGroupsAndMappedRoles() {
        LdapDirectory directory = new LdapDirectory(pattern());

        UserAccount alice = directory.authenticate("alice", "alice-password");

        assertThat(alice).isEqualTo(new UserAccount("alice", "Alice Smith", "alice@example.com",
                List.of("platform-admins", "staff"), List.of("user", "admin")));
        assertThat(directory.authenticate("bob", "bob-password").roles()).containsExactly("user");
    }

    @Test
    void aWrongOrEmptyPasswordAndAnUnknownUserAreRefusedAlike() {
        LdapDirectory directory = new LdapDirectory(pattern());

        assertThatThrownBy(() -> directory.authenticate("alice", "guess")).isInstanceOf(AuthenticationFailedException.class);
        // an empty password is an anonymous bind to LDAP, which succeeds: refused before any bind
        assertThatThrownBy(() -> directory.authenticate("alice", "")).isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> directory.authenticate("nobody", "guess")).isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void aSearchBindByTheServiceAccountFindsTheUserAndEscapesTheUsername() {
        LdapDirectory directory = new LdapDirectory(search());

        assertThat(directory.authenticate("bob", "bob-password").groups()).containsExactly("staff");
        // filter injection: a wildcard or a closing parenthesis is a literal character, matching nobody
        for (String injected : List.of("*", "b*", "bob)(uid=*", "*)(|(uid=*")) {
            assertThatThrownBy(() -> directory.authenticate(injected, "bob-password")).as(injected)
                    .isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Test
    void theUsernameIsOneEscapedDnValueInAPattern() throws Exception {
        LdapDirectory directory = new LdapDirectory(pattern());

        var dn = directory.userDn("a,ou=people");
        assertThat(dn.getRDN().getAttributeValues()).containsExactly("a,ou=people");
        assertThat(dn.getParentString()).isEqualTo("ou=people,dc=example,dc=com");
        assertThatThrownBy(() -> directory.authenticate("alice,ou=people", "alice-password"))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void anUnreachableDirectoryRefusesTheLoginWithoutThrowingItsError() {
        LdapDirectory directory = new LdapDirectory(new LdapProperties(true, "ldap://127.0.0.1:1", "uid={0},ou=people,dc=example,dc=com",
                null, null, null, null, null, null, null, null, null, Duration.ofSeconds(1)));

        assertThatThrownBy(() -> directory.authenticate("alice", "alice-password")).isInstanceOf(AuthenticationFailedException.class);
    }

    private static LdapProperties pattern() {
        return new LdapProperties(true, url, "uid={0},ou=people,dc=example,dc=com", null, null, "cn=svc,dc=example,dc=com",
                "svc-password", "ou=groups,dc=example,dc=com", null, null, Map.of("platform-admins", List.of("admin")), null, null);
    }

    private static LdapProperties search() {
        return new LdapProperties(true, url, null, "ou=people,dc=example,dc=com", "(uid={0})", "cn=svc,dc=example,dc=com",
                "svc-password", "ou=groups,dc=example,dc=com", null, null, Map.of(), null, null);
    }
}
