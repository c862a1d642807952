package ai.dsp.platform.app.security;

import ai.dsp.platform.controltower.policy.ClientSecrets;

import java.util.Locale;
import java.util.Optional;

/**
 * The seed's Control Tower credentials: the superuser's {@code X-DSPAI-Client-Secret}, valid when
 * {@code sha256(secret + salt)} is the configured hash (both from the environment:
 * {@code SUPERUSER_SECRET_HASH}, {@code SUPERUSER_SALT}; without them no secret is a
 * superuser's), and a policy client's {@code X-DSPAI-Client-ID} + secret, checked against the
 * hash and salt of that client's policy.
 */
public final class ControlTowerClients {

    /** A policy client's secret check: the policy store's. */
    @FunctionalInterface
    public interface ClientVerifier {
        boolean verify(String clientId, String secret);
    }

    public static final String SUPERUSER = "superuser";
    public static final String CLIENT_PREFIX = "client:";

    private final String superuserHash;
    private final String superuserSalt;
    private final ClientVerifier clients;

    public ControlTowerClients(String superuserHashHex, String superuserSalt, ClientVerifier clients) {
        this.superuserHash = superuserHashHex == null || superuserHashHex.isBlank() ? null : superuserHashHex.strip().toLowerCase(Locale.ROOT);
        this.superuserSalt = superuserSalt == null ? "" : superuserSalt;
        this.clients = clients;
    }

    /** Who the credentials prove: the superuser, the client, or nobody. */
    public Optional<String> authenticate(String clientId, String secret) {
        if (superuserHash != null && ClientSecrets.matches(secret, superuserSalt, superuserHash)) {
            return Optional.of(SUPERUSER);
        }
        if (clientId != null && !clientId.isBlank() && clients.verify(clientId, secret)) {
            return Optional.of(CLIENT_PREFIX + clientId);
        }
        return Optional.empty();
    }
}
