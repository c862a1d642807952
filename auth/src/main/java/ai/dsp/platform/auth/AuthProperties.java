package ai.dsp.platform.auth;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The JWT service and the guard in front of every endpoint.
 *
 * @param enabled         false switches authentication off (tests and benchmarks only; never in production)
 * @param issuer          {@code iss} of every token, required on every token received
 * @param audience        {@code aud} of every token, required on every token received
 * @param algorithm       RS256 or ES256 (keys made at first start in {@code stateDir}) or HS256
 *                        with {@code hmacSecret} (the seed's gateway-coupled deployments)
 * @param hmacSecret      the HS256 key, at least 32 bytes, from the environment ({@code JWT_SECRET_KEY})
 * @param accessTokenTtl  lifetime of an access token unless its claims carry {@code exp_hours}
 * @param refreshTokenTtl lifetime of a refresh token
 * @param clockSkew       tolerated clock difference when checking {@code exp}, {@code nbf} and {@code iat}; at most 30 s
 * @param usersFile       users in the seed's users.yaml format, reloaded on change
 * @param stateDir        signing keys and, without a users file, the generated users file and initial admin password
 * @param metricsPublic   whether {@code /metrics} and {@code /actuator/prometheus} answer without a token
 * @param documentsWithoutAcl {@code visible}: a document that lists no allowed user or group is
 *                        seen by every signed-in caller; {@code hidden}: by nobody (deny unless listed)
 * @param loginFailuresPerAccount refused logins of one username within {@code loginWindow} before
 *                        its logins are refused with 429 until the window lets one more in
 * @param loginFailuresPerAddress the same for one client address, whatever usernames it tries
 * @param loginWindow     the window of both login limits
 * @param corsAllowedOrigins browser origins allowed to call the API cross-site (e.g.
 *                        {@code https://portal.example.com}); empty: none (closed)
 */
@Validated
@ConfigurationProperties("dsp.auth")
public record AuthProperties(Boolean enabled, String issuer, String audience,
                             @Pattern(regexp = "RS256|ES256|HS256") String algorithm, String hmacSecret,
                             Duration accessTokenTtl, Duration refreshTokenTtl, Duration clockSkew,
                             Path usersFile, Path stateDir, Boolean metricsPublic,
                             @Pattern(regexp = "visible|hidden") String documentsWithoutAcl,
                             @Min(1) Integer loginFailuresPerAccount, @Min(1) Integer loginFailuresPerAddress, Duration loginWindow,
                             List<String> corsAllowedOrigins) {

    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

    public AuthProperties {
        enabled = enabled == null || enabled;
        issuer = blank(issuer) ? "dsp-ai-platform" : issuer;
        audience = blank(audience) ? "dsp-ai-platform" : audience;
        algorithm = blank(algorithm) ? "RS256" : algorithm;
        hmacSecret = blank(hmacSecret) ? null : hmacSecret;
        accessTokenTtl = accessTokenTtl == null ? Duration.ofHours(1) : accessTokenTtl;
        refreshTokenTtl = refreshTokenTtl == null ? Duration.ofDays(30) : refreshTokenTtl;
        clockSkew = clockSkew == null ? MAX_CLOCK_SKEW : clockSkew;
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("dsp.auth.clock-skew must be between 0 and 30s, was " + clockSkew);
        }
        usersFile = usersFile == null ? Path.of("config", "users.yaml") : usersFile;
        stateDir = stateDir == null ? Path.of("data", "auth") : stateDir;
        metricsPublic = metricsPublic == null || metricsPublic;
        documentsWithoutAcl = blank(documentsWithoutAcl) ? "visible" : documentsWithoutAcl;
        loginFailuresPerAccount = loginFailuresPerAccount == null ? 10 : loginFailuresPerAccount;
        loginFailuresPerAddress = loginFailuresPerAddress == null ? 50 : loginFailuresPerAddress;
        loginWindow = loginWindow == null ? Duration.ofMinutes(5) : loginWindow;
        corsAllowedOrigins = corsAllowedOrigins == null ? List.of()
                : corsAllowedOrigins.stream().filter(origin -> !origin.isBlank()).toList();
        if (corsAllowedOrigins.contains("*")) {
            throw new IllegalArgumentException("dsp.auth.cors-allowed-origins must name origins; '*' would let any site call with a user's token");
        }
    }

    /** Every default but the algorithm and its secret: for tools and tests that build a token service by hand. */
    public static AuthProperties defaults(String algorithm, String hmacSecret) {
        return new AuthProperties(true, null, null, algorithm, hmacSecret, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean unrestrictedDocumentsVisible() {
        return "visible".equals(documentsWithoutAcl);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
