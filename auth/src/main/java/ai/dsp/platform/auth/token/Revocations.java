package ai.dsp.platform.auth.token;

import java.time.Instant;

/** Revoked token ids, each kept until the token would have expired anyway. */
public interface Revocations {

    void revoke(String jti, Instant expiresAt);

    boolean isRevoked(String jti);
}
