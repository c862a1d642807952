package ai.dsp.platform.auth.token;

import java.time.Instant;

/** An access token and the refresh token that renews it. */
public record IssuedTokens(String accessToken, String refreshToken, Instant accessExpiresAt) {
}
