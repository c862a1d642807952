package ai.dsp.platform.auth.token;

import java.time.Instant;
import java.util.Map;

/** A token whose signature, issuer, audience, times, type and revocation were checked. */
public record VerifiedToken(String subject, TokenType type, String jti, Instant issuedAt, Instant expiresAt,
                            Map<String, Object> claims, Map<String, Object> headers) {
}
