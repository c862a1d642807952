package ai.dsp.platform.app.security;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.apikey.ApiKeyDirectKeys;
import ai.dsp.platform.auth.apikey.ApiKeyProperties;
import ai.dsp.platform.auth.apikey.ApiKeyService;
import ai.dsp.platform.auth.apikey.ApiKeyStore;
import ai.dsp.platform.auth.apikey.ClaimApiCalls;
import ai.dsp.platform.auth.apikey.ClaimFormulas;
import ai.dsp.platform.auth.apikey.ClaimFunctions;
import ai.dsp.platform.auth.apikey.DynamicClaims;
import ai.dsp.platform.auth.token.DirectKeys;
import ai.dsp.platform.auth.user.UserDirectory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The API keys of {@code dsp.auth.api-keys.dir} and the sources of their dynamic claims. */
@Configuration(proxyBeanMethods = false)
public class ApiKeyConfiguration {

    /** Last-used times are written when the app stops too, so a restart loses at most nothing. */
    @Bean(destroyMethod = "writeUsage")
    ApiKeyStore apiKeyStore(ApiKeyProperties keys, AuthProperties auth) {
        return new ApiKeyStore(keys.dir(), auth.stateDir().resolve("api-keys-last-used.json"), keys.rotationOverlap(), Clock.systemUTC());
    }

    /** The keys of {@code dir} JWEs by kid: the API keys' {@code jwe_config.encryption_key} by their {@code key} claim. */
    @Bean
    DirectKeys directKeys(ApiKeyStore store) {
        return new ApiKeyDirectKeys(store, System::getenv);
    }

    /** The seed's four claim functions; a deployment adds its own with {@link ClaimFunctions#with}. */
    @Bean
    ClaimFunctions claimFunctions() {
        return ClaimFunctions.builtIn(Clock.systemUTC());
    }

    @Bean
    ApiKeyService apiKeyService(ApiKeyStore store, ClaimFunctions functions, ApiKeyProperties keys, UserDirectory users) {
        DynamicClaims dynamic = new DynamicClaims(functions,
                new ClaimApiCalls(keys.claimApiHosts(), keys.claimApiTimeout(), keys.claimCacheTtl(), Clock.systemUTC()),
                new ClaimFormulas(), keys.internalApiToken());
        return new ApiKeyService(store, dynamic, users, Clock.systemUTC(), keys.authenticationCacheTtl());
    }
}
