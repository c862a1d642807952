package ai.dsp.platform.app.security;

import ai.dsp.platform.auth.InvalidTokenException;
import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.auth.token.TokenType;
import ai.dsp.platform.auth.token.VerifiedToken;
import ai.dsp.platform.metrics.PlatformMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Spring Security's bearer-token filter, verifying with the platform's own {@link TokenService}
 * (our keys, pinned algorithm, required claims, revocations) instead of a JWK-set URL.
 */
final class PlatformJwtDecoder implements JwtDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformJwtDecoder.class);

    private final TokenService tokens;
    private final PlatformMetrics metrics;

    PlatformJwtDecoder(TokenService tokens, PlatformMetrics metrics) {
        this.tokens = tokens;
        this.metrics = metrics;
    }

    @Override
    public Jwt decode(String token) {
        long started = System.nanoTime();
        try {
            VerifiedToken verified = tokens.verify(token, TokenType.ACCESS);
            return new Jwt(token, verified.issuedAt(), verified.expiresAt(), verified.headers(), verified.claims());
        } catch (InvalidTokenException e) {
            // the reason, never the token
            LOG.debug("bearer token refused: {}", e.getMessage());
            metrics.authFailure(e.reason());
            throw new BadJwtException(e.reason());
        } finally {
            metrics.tokenValidated(System.nanoTime() - started);
        }
    }
}
