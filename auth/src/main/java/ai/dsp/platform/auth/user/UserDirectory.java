package ai.dsp.platform.auth.user;

import ai.dsp.platform.auth.AuthenticationFailedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users from a file in the seed's users.yaml format (the map key is the username; {@code password},
 * {@code name}, {@code email}, {@code groups}, {@code roles}), read again when the file changes.
 * A broken edit keeps the users read before and is logged, so a typo cannot lock everyone out.
 */
public final class UserDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(UserDirectory.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private record Entry(UserAccount account, String passwordHash) {
    }

    private final Path file;
    private final PasswordEncoder encoder;
    /** Compared against when the user is unknown, so that both answers take as long. */
    private final String dummyHash;
    private volatile Map<String, Entry> users = Map.of();
    private volatile FileTime loadedVersion;

    public UserDirectory(Path file, PasswordEncoder encoder) {
        this.file = file;
        this.encoder = encoder;
        this.dummyHash = encoder.encode("dsp-dummy-password-for-unknown-users");
        reloadIfChanged();
        List<String> legacy = legacyAccounts();
        if (!legacy.isEmpty()) {
            LOG.warn("users {} in {} have unsalted SHA-256 password hashes (the seed's format): give them {bcrypt} hashes",
                    legacy, file);
        }
    }

    public Path file() {
        return file;
    }

    /** The account whose password this is; the same failure for an unknown user and a wrong password. */
    public UserAccount authenticate(String username, String password) {
        reloadIfChanged();
        Entry entry = username == null ? null : users.get(username);
        boolean matches = encoder.matches(password == null ? "" : password, entry == null ? dummyHash : entry.passwordHash());
        if (entry == null || !matches) {
            throw new AuthenticationFailedException();
        }
        return entry.account();
    }

    public boolean contains(String username) {
        reloadIfChanged();
        return username != null && users.containsKey(username);
    }

    /** The account of a username, without a password: whose roles and groups an API key of theirs may carry. */
    public Optional<UserAccount> account(String username) {
        reloadIfChanged();
        Entry entry = username == null ? null : users.get(username);
        return entry == null ? Optional.empty() : Optional.of(entry.account());
    }

    /** Accounts whose hash is still the seed's unsalted SHA-256. */
    public List<String> legacyAccounts() {
        return users.entrySet().stream()
                .filter(e -> LegacySha256PasswordEncoder.isLegacyHash(e.getValue().passwordHash()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime version = Files.getLastModifiedTime(file);
            if (version.equals(loadedVersion)) {
                return;
            }
            users = parse(file);
            loadedVersion = version;
            LOG.info("{} users read from {}", users.size(), file);
        } catch (IOException | RuntimeException e) {
            if (loadedVersion == null) {
                throw new IllegalStateException("cannot read the users file " + file + ": " + e.getMessage(), e);
            }
            LOG.error("cannot read the changed users file {}; the users read before stay: {}", file, e.getMessage());
        }
    }

    private static Map<String, Entry> parse(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        Map<String, Entry> parsed = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return parsed;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("a users file is a map of username to user");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> user = it.next();
            JsonNode fields = user.getValue();
            String hash = fields.path("password").asText(null);
            if (hash == null || hash.isBlank()) {
                throw new IllegalArgumentException("user '" + user.getKey() + "' has no password");
            }
            parsed.put(user.getKey(), new Entry(new UserAccount(user.getKey(), fields.path("name").asText(null),
                    fields.path("email").asText(null), strings(fields.path("groups")), strings(fields.path("roles"))), hash));
        }
        return parsed;
    }

    private static List<String> strings(JsonNode list) {
        List<String> values = new ArrayList<>();
        list.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Creates a users file of one user, owner-only, for {@link InitialAdmin}; false if the file exists. */
    static boolean createSingleUser(Path target, UserAccount account, String passwordHash) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("password", passwordHash);
        user.put("name", account.name());
        user.put("email", account.email());
        user.put("groups", account.groups());
        user.put("roles", account.roles());
        try {
            return OwnerOnlyFiles.create(target, YAML.writeValueAsString(Map.of(account.username(), user)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
