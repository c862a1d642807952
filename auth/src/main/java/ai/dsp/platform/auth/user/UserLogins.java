package ai.dsp.platform.auth.user;

/**
 * Where a username is checked: the users file when it has that user, else LDAP when configured
 * (the seed chose one or the other with {@code AUTH_METHOD}; here both can serve, file first).
 */
public final class UserLogins {

    private final UserDirectory file;
    private final LdapDirectory ldap;

    /** {@code ldap} may be null: the users file alone. */
    public UserLogins(UserDirectory file, LdapDirectory ldap) {
        this.file = file;
        this.ldap = ldap;
    }

    public UserAccount authenticate(String username, String password) {
        if (ldap == null || file.contains(username)) {
            return file.authenticate(username, password);
        }
        return ldap.authenticate(username, password);
    }
}
