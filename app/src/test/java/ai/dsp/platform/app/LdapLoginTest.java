package ai.dsp.platform.app;

import com.nimbusds.jwt.SignedJWT;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /token for a user who is in LDAP (an in-memory UnboundID server), not in the users file. */
class LdapLoginTest {

    @TempDir
    static Path work;

    private static InMemoryDirectoryServer ldap;
    private static AppHarness app;

    @BeforeAll
    static void start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        config.addAdditionalBindCredentials("cn=svc,dc=example,dc=com", "svc-password");
        config.setSchema(null);
        ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        ldap.add("dn: uid=carol,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: carol", "cn: Carol Diaz", "sn: Diaz",
                "userPassword: carol-password");
        ldap.add("dn: cn=platform-admins,dc=example,dc=com", "objectClass: groupOfNames", "cn: platform-admins",
                "member: uid=carol,dc=example,dc=com");
        ldap.startListening();
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"),
                "--dsp.auth.ldap.enabled=true",
                "--dsp.auth.ldap.url=ldap://127.0.0.1:" + ldap.getListenPort(),
                "--dsp.auth.ldap.user-search-base=dc=example,dc=com",
                "--dsp.auth.ldap.user-search-filter=(uid={0})",
                "--dsp.auth.ldap.bind-dn=cn=svc,dc=example,dc=com",
                "--dsp.auth.ldap.bind-password=svc-password",
                "--dsp.auth.ldap.group-search-base=dc=example,dc=com",
                "--dsp.auth.ldap.group-roles.platform-admins=admin");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        ldap.shutDown(true);
    }

    @Test
    void anLdapUserSignsInWithGroupsAndMappedRolesBesideTheFileUsers() throws Exception {
        String token = app.login("carol", "carol-password");
        var claims = SignedJWT.parse(token).getJWTClaimsSet();

        assertThat(claims.getSubject()).isEqualTo("carol");
        assertThat(claims.getStringListClaim("groups")).containsExactly("platform-admins");
        assertThat(claims.getStringListClaim("roles")).containsExactly("user", "admin");
        assertThat(app.as(token).postJson("/api/v1/admin/evaluations", Map.of("dataset", "no-such-dataset")).status()).isEqualTo(400);
        // the file's users still sign in, and LDAP's wrong passwords are refused like theirs
        assertThat(app.login(AppHarness.READER, AppHarness.READER_PASSWORD)).isNotBlank();
        AppHarness.Reply wrong = app.anonymous().postJson("/token", Map.of("username", "carol", "password", "guess"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("message").asText()).isEqualTo("Invalid username or password");
    }
}
