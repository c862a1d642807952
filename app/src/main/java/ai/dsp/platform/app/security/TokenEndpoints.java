package ai.dsp.platform.app.security;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.InvalidTokenException;
import ai.dsp.platform.auth.TooManyAttemptsException;
import ai.dsp.platform.auth.apikey.ApiKeyService;
import ai.dsp.platform.auth.token.IssuedTokens;
import ai.dsp.platform.auth.token.JweCodec;
import ai.dsp.platform.auth.token.JweSettings;
import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.auth.token.TokenType;
import ai.dsp.platform.auth.token.VerifiedToken;
import ai.dsp.platform.app.http.ClientAddress;
import ai.dsp.platform.auth.user.LoginThrottle;
import ai.dsp.platform.auth.user.UserAccount;
import ai.dsp.platform.auth.user.UserLogins;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JWT service's HTTP calls, with the seed's paths and bodies (routes/auth-api.camel.yaml):
 * {@code /token}, {@code /refresh}, {@code /validate}, {@code /revoke}, the JWK set and the
 * OpenID discovery document.
 */
@Component("tokenEndpoints")
public class TokenEndpoints {

    private static final DateTimeFormatter SEED_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String BEARER = "Bearer ";

    private final UserLogins users;
    private final TokenService tokens;
    private final LoginThrottle throttle;
    private final PlatformMetrics metrics;
    private final ApiKeyService apiKeys;

    public TokenEndpoints(UserLogins users, TokenService tokens, LoginThrottle throttle, PlatformMetrics metrics, ApiKeyService apiKeys) {
        this.users = users;
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /**
     * {@code POST /token}: the seed's body. {@code context} (ours) holds request facts that the
     * key's formula claims may name, such as {@code requested_model}.
     */
    public record TokenRequest(String username, String password, @JsonProperty("api_key") String apiKey,
                               @JsonProperty("api_key_config") Map<String, Object> apiKeyConfig, Map<String, Object> context) {
    }

    /** The seed's answer; with a key's {@code jwe_config}, {@code token_type: "JWE"}, the {@code encryption} and a {@code note}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenResponse(@JsonProperty("access_token") String accessToken, @JsonProperty("refresh_token") String refreshToken,
                                @JsonProperty("expires_in") long expiresIn, @JsonProperty("token_type") String tokenType,
                                String encryption, String note) {
    }

    public record TokenBody(String token, String jti) {
    }

    /** {@code POST /decode} (admin role): the seed's body; {@code skipVerification} reads a token without checking it. */
    public record DecodeRequest(String token, Boolean skipVerification) {
    }

    /** {@code POST /token}: throttled per account and address, then the users file or LDAP. */
    public TokenResponse token(TokenRequest request, Exchange exchange) {
        return issue(request, exchange, false);
    }

    /**
     * The seed's token broker ({@code POST /{project}/{jwt module}/token}): a login with the
     * {@code jwt_config} module's config as the inline {@code api_key_config}, which the manifest's
     * writer chose, so any user may get it (the seed forwarded it to the JWT service the same way,
     * without its {@code service_url}).
     */
    public TokenResponse brokered(TokenRequest request, Map<String, Object> moduleConfig, Exchange exchange) {
        if (request == null) {
            throw new BadRequestException("Missing username or password");
        }
        Map<String, Object> config = new LinkedHashMap<>(moduleConfig);
        config.remove("service_url");
        return issue(new TokenRequest(request.username(), request.password(), null, config, request.context()), exchange, true);
    }

    private TokenResponse issue(TokenRequest request, Exchange exchange, boolean configTrusted) {
        if (request == null || blank(request.username()) || blank(request.password())) {
            throw new BadRequestException("Missing username or password");
        }
        String address = ClientAddress.of(exchange);
        try {
            throttle.check(request.username(), address);
        } catch (TooManyAttemptsException e) {
            metrics.authFailure("throttled");
            throw e;
        }
        UserAccount user;
        try {
            user = users.authenticate(request.username(), request.password());
        } catch (AuthenticationFailedException e) {
            throttle.failed(request.username(), address);
            metrics.authFailure("bad_credentials");
            throw e;
        }
        if (request.apiKeyConfig() != null && !configTrusted && !user.roles().contains(SecurityConfiguration.ADMIN)) {
            // an inline config chooses its own claims: only a trusted service account may do that
            throw new ForbiddenException("api_key_config needs a user with the " + SecurityConfiguration.ADMIN + " role");
        }
        ApiKeyService.Grant grant;
        try {
            grant = apiKeys.forLogin(user, blank(request.apiKey()) ? null : request.apiKey(), request.apiKeyConfig(), request.context());
        } catch (AuthenticationFailedException e) {
            // a wrong key counts like a wrong password: keys, the seed's guessable file names above all, are not to be tried out
            throttle.failed(request.username(), address);
            metrics.authFailure("invalid_api_key");
            throw e;
        }
        JweSettings jwe = jweOf(grant);
        IssuedTokens issued = tokens.issue(grant.subject(), grant.claims(), grant.apiKeyId(), jwe);
        metrics.tokensIssued(blank(request.apiKey()) && request.apiKeyConfig() == null ? "password" : "api_key");
        if (jwe == null) {
            return response(issued);
        }
        return new TokenResponse(issued.accessToken(), issued.refreshToken(), expiresIn(issued), "JWE", jwe.encryption(),
                "both tokens are JWEs (" + jwe.algorithm() + ", " + jwe.encryption() + "): send them as they are");
    }

    /** The key's JWE settings; a {@code jwe_config} the platform cannot use is its operator's error (500), not the caller's. */
    private static JweSettings jweOf(ApiKeyService.Grant grant) {
        try {
            return JweSettings.fromSeedConfig(grant.jweConfig(), System::getenv).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the jwe_config of API key " + grant.key().id() + " cannot be used: " + e.getMessage());
        }
    }

    /** {@code POST /refresh} with the refresh token as the bearer (as in the seed) or as {@code refresh_token} in the body. */
    public TokenResponse refresh(Exchange exchange) {
        String token = bearer(exchange);
        // the JSON binding makes a map of a JSON body; the seed's call has none
        if (token == null && exchange.getMessage().getBody() instanceof Map<?, ?> body && body.get("refresh_token") != null) {
            token = body.get("refresh_token").toString();
        }
        if (token == null) {
            metrics.authFailure("missing");
            throw new InvalidTokenException("missing", "no refresh token");
        }
        try {
            IssuedTokens renewed = tokens.refresh(token);
            metrics.tokensIssued("refresh");
            // a JWE refresh token gives JWEs again, wrapped the same way
            return JweCodec.isJwe(token) ? new TokenResponse(renewed.accessToken(), renewed.refreshToken(), expiresIn(renewed), "JWE",
                    null, null) : response(renewed);
        } catch (InvalidTokenException e) {
            metrics.authFailure(e.reason());
            throw e;
        }
    }

    /** {@code POST /validate}: always 200, with {@code valid} and why not. */
    public Map<String, Object> validate(TokenBody body) {
        if (body == null || blank(body.token())) {
            throw new BadRequestException("Missing token");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            VerifiedToken token = verifyAnyType(body.token());
            answer.put("valid", true);
            answer.put("signature_verified", true);
            answer.put("expired", false);
            answer.put("type", token.type().wire());
            answer.put("subject", token.subject());
            answer.put("issuer", token.claims().get("iss"));
            answer.put("issued_at", SEED_TIME.format(token.issuedAt()));
            answer.put("expiry_time", SEED_TIME.format(token.expiresAt()));
        } catch (InvalidTokenException e) {
            answer.put("valid", false);
            // expiry is checked after the signature: an expired token had a good one
            answer.put("signature_verified", "expired".equals(e.reason()) || "not yet valid".equals(e.reason()) || "revoked".equals(e.reason()));
            answer.put("expired", "expired".equals(e.reason()));
            answer.put("error", e.reason());
        }
        return answer;
    }

    /**
     * {@code POST /decode}: the claims of a token, verified (any type), or with
     * {@code skipVerification} read as they stand, marked as such. Only admins reach it; the seed
     * let anyone decode anything unverified.
     */
    public Map<String, Object> decode(DecodeRequest body) {
        if (body == null || blank(body.token())) {
            throw new BadRequestException("Missing token");
        }
        if (Boolean.TRUE.equals(body.skipVerification())) {
            Map<String, Object> claims = new LinkedHashMap<>(unverifiedClaims(body.token()));
            claims.put("warning", "not verified: the signature, expiry and revocation were not checked");
            return claims;
        }
        return verifyAnyType(body.token()).claims();
    }

    /**
     * {@code POST /revoke}: {@code {token}} revokes that token (holding it is the right to end
     * it: logout); {@code {jti}} revokes by id and needs an admin's bearer token.
     */
    public Map<String, Object> revoke(TokenBody body, Exchange exchange) {
        if (body == null || (blank(body.token()) && blank(body.jti()))) {
            throw new BadRequestException("send the token to revoke, or its jti");
        }
        if (!blank(body.token())) {
            VerifiedToken revoked = tokens.revoke(body.token());
            metrics.revoked("token");
            return Map.of("revoked", revoked.jti());
        }
        String caller = bearer(exchange);
        VerifiedToken admin = caller == null ? null : tokens.verify(caller, TokenType.ACCESS);
        if (admin == null || !(admin.claims().get("roles") instanceof List<?> roles && roles.contains(SecurityConfiguration.ADMIN))) {
            throw new ForbiddenException("revoking by jti needs an admin's bearer token");
        }
        tokens.revokeId(body.jti());
        metrics.revoked("jti");
        return Map.of("revoked", body.jti());
    }

    /** {@code POST /api/v1/admin/keys/rotate}: a new signing key; answers its id and the ones still published. */
    public Map<String, Object> rotateKeys() {
        if ("HS256".equals(tokens.properties().algorithm())) {
            throw new BadRequestException("HS256 signs with JWT_SECRET_KEY: rotate it by changing the secret");
        }
        String kid = tokens.rotateKeys();
        return Map.of("kid", kid, "published", tokens.publicKeys().getKeys().stream().map(key -> key.getKeyID()).toList());
    }

    /** {@code GET /.well-known/jwks.json}: the public keys, current and previous. */
    public String jwks(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/jwk-set+json");
        return tokens.publicKeys().toString(true);
    }

    /** {@code GET /.well-known/openid-configuration}: enough for a resource server to find the keys. */
    public Map<String, Object> openidConfiguration(Exchange exchange) {
        String base = baseUrl(exchange);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", tokens.properties().issuer());
        document.put("jwks_uri", base + "/.well-known/jwks.json");
        document.put("token_endpoint", base + "/token");
        document.put("revocation_endpoint", base + "/revoke");
        document.put("id_token_signing_alg_values_supported", List.of(tokens.properties().algorithm()));
        document.put("id_token_encryption_alg_values_supported", List.of(JweSettings.DIR, JweSettings.RSA_OAEP_256));
        document.put("id_token_encryption_enc_values_supported", List.copyOf(JweSettings.encryptions()));
        document.put("grant_types_supported", List.of("password", "refresh_token"));
        document.put("response_types_supported", List.of("token"));
        document.put("subject_types_supported", List.of("public"));
        return document;
    }

    private static Map<String, Object> unverifiedClaims(String token) {
        if (token.length() > TokenService.MAX_TOKEN_LENGTH) {
            throw new BadRequestException("a token of " + token.length() + " characters is over the limit");
        }
        try {
            if (JWTParser.parse(token) instanceof SignedJWT signed) {
                return signed.getJWTClaimsSet().getClaims();
            }
        } catch (ParseException e) {
            throw new BadRequestException("Invalid token format: not a JWT");
        }
        throw new BadRequestException("an encrypted or unsigned token cannot be read unverified; decode it verified");
    }

    private VerifiedToken verifyAnyType(String token) {
        try {
            return tokens.verify(token, TokenType.ACCESS);
        } catch (InvalidTokenException e) {
            if (!"wrong token type".equals(e.reason())) {
                throw e;
            }
            return tokens.verify(token, TokenType.REFRESH);
        }
    }

    private static TokenResponse response(IssuedTokens issued) {
        return new TokenResponse(issued.accessToken(), issued.refreshToken(), expiresIn(issued), null, null, null);
    }

    private static long expiresIn(IssuedTokens issued) {
        return Math.max(0, issued.accessExpiresAt().getEpochSecond() - Instant.now().getEpochSecond());
    }

    private static String bearer(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? header.substring(BEARER.length()).strip() : null;
    }

    /** Where callers reach this service: the Host they used, with the gateway's scheme when it says one. */
    private static String baseUrl(Exchange exchange) {
        String host = exchange.getMessage().getHeader("Host", String.class);
        String scheme = exchange.getMessage().getHeader("X-Forwarded-Proto", String.class);
        return (scheme == null || !scheme.matches("https?") ? "http" : scheme) + "://" + (host == null ? "localhost" : host);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
