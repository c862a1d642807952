package ai.dsp.platform.auth.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Revocations of this process (the embedded default; Redis shares them between replicas). */
public final class InMemoryRevocations implements Revocations {

    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryRevocations(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void revoke(String jti, Instant expiresAt) {
        Instant now = clock.instant();
        // an expired token is refused anyway: forget it, so the map stays as small as the live tokens
        revoked.values().removeIf(until -> until.isBefore(now));
        revoked.merge(jti, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public boolean isRevoked(String jti) {
        return revoked.containsKey(jti);
    }
}
