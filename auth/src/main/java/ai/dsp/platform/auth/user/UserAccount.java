package ai.dsp.platform.auth.user;

import java.util.List;

/** A user as the seed's users.yaml describes one, without the password hash. */
public record UserAccount(String username, String name, String email, List<String> groups, List<String> roles) {

    public UserAccount {
        name = name == null || name.isBlank() ? username : name;
        email = email == null ? "" : email;
        groups = groups == null ? List.of() : List.copyOf(groups);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }
}
