package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.auth.token.SharedSecretTokens;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer token a module sends to its remote service when its config says
 * {@code jwt_auth_enabled} with a {@code jwt_module_reference} (the seed's {@code rag_service}
 * fields): a token for the caller, signed with the referenced {@code jwt_config} module's
 * {@code secret_key} and {@code algorithm} (the seed's RAG service checks HS256 tokens with the
 * secret it shares with the JWT service), with that module's issuer, audience and static claims,
 * and the caller's roles and groups. It lives at most {@link #MAX_LIFETIME}: it is made for one
 * call. The caller's own token is never passed on.
 */
@Component
public class RemoteServiceAuth {

    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final FrontDoor frontDoor;
    private final ObjectMapper json;
    private final SharedSecretTokens tokens = new SharedSecretTokens(Clock.systemUTC());

    public RemoteServiceAuth(FrontDoor frontDoor, ObjectMapper json) {
        this.frontDoor = frontDoor;
        this.json = json;
    }

    /** The {@code Authorization} value for a call by {@code module} (its resolved {@code config}); empty when it asks for none. */
    public Optional<String> authorization(ProjectModule module, JsonNode config, Exchange exchange) {
        if (!config.path("jwt_auth_enabled").asBoolean(false)) {
            return Optional.empty();
        }
        String reference = config.path("jwt_module_reference").asText("");
        ProjectModule jwtModule = jwtModule(module, reference);
        JsonNode jwt = frontDoor.resolvedConfig(jwtModule);
        Caller caller = Caller.of(exchange).orElseThrow(() -> new UpstreamException("module " + module.name()
                + " calls its service as the caller, and this call has none"));
        Map<String, Object> claims = new LinkedHashMap<>();
        if (jwt.path("claims").path("static").isObject()) {
            claims.putAll(json.convertValue(jwt.path("claims").path("static"), MAP));
        }
        claims.put("roles", caller.roles());
        claims.put("groups", caller.groups());
        Duration configured = Duration.ofMinutes(Math.max(1, jwt.path("expiration_minutes").asLong(30)));
        SharedSecretTokens.Grant grant = new SharedSecretTokens.Grant(caller.subject(), jwt.path("issuer").asText("dsp-ai-platform"),
                jwt.path("audience").asText(null), configured.compareTo(MAX_LIFETIME) < 0 ? configured : MAX_LIFETIME, claims);
        try {
            return Optional.of("Bearer " + tokens.sign(jwt.path("secret_key").asText(null), jwt.path("algorithm").asText("HS256"), grant));
        } catch (IllegalArgumentException e) {
            throw new UpstreamException("module " + module.name() + " cannot sign its service token with jwt_config module "
                    + reference + ": " + e.getMessage());
        }
    }

    private static ProjectModule jwtModule(ProjectModule module, String reference) {
        JsonNode modules = module.manifest().path("modules");
        for (int i = 0; i < modules.size(); i++) {
            JsonNode candidate = modules.get(i);
            if (candidate.path("name").asText().equals(reference) && "jwt_config".equals(candidate.path("module_type").asText())) {
                return new ProjectModule(module.project(), reference, "jwt_config", candidate.path("status").asText("enabled"), i,
                        module.manifestVersion(), module.manifest());
            }
        }
        throw new UpstreamException("module " + module.name() + " has jwt_auth_enabled, and its jwt_module_reference '" + reference
                + "' is not a jwt_config module of project " + module.project());
    }
}
