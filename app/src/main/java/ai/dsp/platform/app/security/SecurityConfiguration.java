package ai.dsp.platform.app.security;

import ai.dsp.platform.app.audit.AuditTrail;
import ai.dsp.platform.app.messaging.RedisBuckets;
import ai.dsp.platform.app.messaging.RedisRevocations;
import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.apikey.ApiKeyService;
import ai.dsp.platform.auth.ratelimit.Buckets;
import ai.dsp.platform.auth.ratelimit.LocalBuckets;
import ai.dsp.platform.auth.ratelimit.Quotas;
import ai.dsp.platform.auth.ratelimit.RateLimitProperties;
import ai.dsp.platform.auth.ratelimit.RateLimiter;
import ai.dsp.platform.auth.token.DirectKeys;
import ai.dsp.platform.auth.token.InMemoryRevocations;
import ai.dsp.platform.auth.token.Revocations;
import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.auth.LdapProperties;
import ai.dsp.platform.auth.user.InitialAdmin;
import ai.dsp.platform.auth.user.LdapDirectory;
import ai.dsp.platform.auth.user.LoginThrottle;
import ai.dsp.platform.auth.user.PasswordHashes;
import ai.dsp.platform.auth.user.UserDirectory;
import ai.dsp.platform.auth.user.UserLogins;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bucket4j.TimeMeter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Spring Security in front of every HTTP endpoint: a bearer token (verified by the auth module's
 * {@link TokenService}), an {@code X-API-Key} or, on the Control Tower's paths, the seed's
 * {@code X-DSPAI-Client-Secret} ({@link ControlTowerSecretFilter}) on everything but the public paths, the admin
 * role for administration and deletion, a rate limit per API key and user ({@link RateLimitFilter}),
 * JSON error bodies with {@code WWW-Authenticate}. Stateless: no session, no cookie, so no CSRF
 * surface. The drop folder and Kafka are trusted local sources and pass no HTTP filter.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    public static final String ADMIN = "admin";
    /** The JWT service's own paths: their credentials are in the body (or, for /refresh, a refresh token). */
    static final Set<String> TOKEN_PATHS = Set.of("/token", "/refresh", "/validate", "/revoke");

    /**
     * No Micrometer observation around each security filter, authentication and authorization:
     * they registered meters and events on every call (9% of a Front Door call's CPU time,
     * docs/BENCHMARKS.md, "Front Door gateway overhead") for metrics no dashboard or alert reads;
     * the platform's own (auth, rate limits) and http_server_requests stay.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordHashes.encoder();
    }

    @Bean
    UserDirectory userDirectory(AuthProperties properties, PasswordEncoder encoder) {
        return new UserDirectory(InitialAdmin.usersFile(properties.usersFile(), properties.stateDir(), encoder), encoder);
    }

    /** The users file, and LDAP for the usernames it does not have when {@code dsp.auth.ldap.enabled}. */
    @Bean
    UserLogins userLogins(UserDirectory users, LdapProperties ldap) {
        return new UserLogins(users, ldap.enabled() ? new LdapDirectory(ldap) : null);
    }

    @Bean
    LoginThrottle loginThrottle(AuthProperties properties) {
        return new LoginThrottle(properties.loginFailuresPerAccount(), properties.loginFailuresPerAddress(), properties.loginWindow(),
                TimeMeter.SYSTEM_NANOTIME);
    }

    /** Shared by every replica through Redis when {@code dsp.redis.enabled}, else this process's own. */
    @Bean
    Revocations revocations(@Value("${dsp.redis.enabled:false}") boolean redis, @Value("${dsp.cache.key-prefix:dsp}") String keyPrefix,
                            StringRedisTemplate redisEventsTemplate) {
        return redis ? new RedisRevocations(redisEventsTemplate, keyPrefix, Clock.systemUTC()) : new InMemoryRevocations(Clock.systemUTC());
    }

    /** Rate-limit buckets shared by every replica through Redis when {@code dsp.redis.enabled}, else this process's own. */
    @Bean
    Buckets rateLimitBuckets(@Value("${dsp.redis.enabled:false}") boolean redis, @Value("${dsp.cache.key-prefix:dsp}") String keyPrefix,
                             RateLimitProperties properties, LettuceConnectionFactory redisConnections) {
        return redis ? new RedisBuckets(redisConnections, keyPrefix, properties.redisTimeout())
                : new LocalBuckets(RateLimiter.LOCAL_BUCKETS, TimeMeter.SYSTEM_NANOTIME);
    }

    @Bean
    RateLimiter rateLimiter(RateLimitProperties properties, Buckets rateLimitBuckets) {
        return new RateLimiter(new Quotas(properties), rateLimitBuckets);
    }

    @Bean
    TokenService tokenService(AuthProperties properties, DirectKeys directKeys, Revocations revocations) {
        return TokenService.open(properties, directKeys, revocations, Clock.systemUTC());
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AuthProperties properties, TokenService tokens, ApiKeyService apiKeys,
                                            ObjectMapper json, PlatformMetrics metrics, AuditTrail audit, RateLimitProperties rateLimits,
                                            RateLimiter limiter, ControlTowerClients controlTowerClients, LoginThrottle loginThrottle)
            throws Exception {
        JsonErrors errors = new JsonErrors(json, metrics, audit);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .cors(cors -> cors.configurationSource(cors(properties)))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(errors).accessDeniedHandler(errors));
        if (!properties.enabled()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        http.authorizeHttpRequests(requests -> {
            requests.requestMatchers(HttpMethod.POST, TOKEN_PATHS.toArray(String[]::new)).permitAll()
                    // the Front Door's token broker: the credentials are in the body, as for /token
                    .requestMatchers(HttpMethod.POST, "/*/*/token").permitAll()
                    .requestMatchers(HttpMethod.GET, "/health", "/.well-known/jwks.json", "/.well-known/openid-configuration",
                            "/api/openapi.json", "/actuator/health", "/actuator/health/**").permitAll();
            if (properties.metricsPublic()) {
                requests.requestMatchers(HttpMethod.GET, "/metrics", "/actuator/prometheus").permitAll();
            }
            requests.requestMatchers("/api/v1/admin/**", "/decode", "/api-keys", "/api-keys/**", "/actuator/**", "/metrics")
                    .hasRole(ADMIN)
                    .requestMatchers(HttpMethod.DELETE, "/api/v1/documents/**").hasRole(ADMIN)
                    .anyRequest().authenticated();
        }).oauth2ResourceServer(server -> server
                .bearerTokenResolver(bearerTokens())
                .authenticationEntryPoint(errors)
                .accessDeniedHandler(errors)
                .jwt(jwt -> jwt.decoder(new PlatformJwtDecoder(tokens, metrics)).jwtAuthenticationConverter(roles())))
                .addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, roles(), errors, metrics), BearerTokenAuthenticationFilter.class)
                .addFilterBefore(new ControlTowerSecretFilter(controlTowerClients, loginThrottle, roles(), errors, metrics),
                        BearerTokenAuthenticationFilter.class);
        if (rateLimits.enabled()) {
            // after the token check, so the caller is known; before authorization, so refused calls count too
            http.addFilterAfter(new RateLimitFilter(limiter, metrics, errors), BearerTokenAuthenticationFilter.class);
        }
        return http.build();
    }

    /**
     * Cross-site browser calls only from the configured origins (none by default): bearer tokens
     * in headers, no cookies, so credentials are not allowed either.
     */
    private static CorsConfigurationSource cors(AuthProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!properties.corsAllowedOrigins().isEmpty()) {
            CorsConfiguration config = new CorsConfiguration();
            config.setAllowedOrigins(properties.corsAllowedOrigins());
            config.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
            config.setAllowedHeaders(List.of("Authorization", "Content-Type", "X-Request-Id", "X-API-Key"));
            config.setExposedHeaders(List.of("X-Request-Id", "Retry-After", "WWW-Authenticate",
                    RateLimitFilter.LIMIT, RateLimitFilter.REMAINING, RateLimitFilter.RESET));
            config.setAllowCredentials(false);
            config.setMaxAge(3600L);
            source.registerCorsConfiguration("/**", config);
        }
        return source;
    }

    /** The roles claim becomes ROLE_* authorities; the principal's name is {@code sub}. */
    private static JwtAuthenticationConverter roles() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName("roles");
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        converter.setPrincipalClaimName("sub");
        return converter;
    }

    /** The token paths read their tokens themselves (a refresh token is no access token). */
    private static BearerTokenResolver bearerTokens() {
        DefaultBearerTokenResolver standard = new DefaultBearerTokenResolver();
        return request -> TOKEN_PATHS.contains(request.getRequestURI()) ? null : standard.resolve(request);
    }
}
