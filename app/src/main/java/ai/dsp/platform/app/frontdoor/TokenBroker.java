package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.app.security.TokenEndpoints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * {@code POST /{project}/{jwt_config module}/token {username, password}}: the seed's token broker,
 * a login through the auth module with the module's (resolved) config as the key configuration:
 * its {@code claims.static} and {@code claims.dynamic} and its {@code jwe_config}. The module's
 * {@code secret_key} and {@code algorithm} are not used: the platform signs with its own keys.
 */
@Component("tokenBroker")
public class TokenBroker {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final FrontDoor frontDoor;
    private final TokenEndpoints tokens;
    private final ObjectMapper json;

    public TokenBroker(FrontDoor frontDoor, TokenEndpoints tokens, ObjectMapper json) {
        this.frontDoor = frontDoor;
        this.tokens = tokens;
        this.json = json;
    }

    public TokenEndpoints.TokenResponse issue(TokenEndpoints.TokenRequest request, Exchange exchange) {
        ProjectModule module = exchange.getProperty(FrontDoor.MODULE, ProjectModule.class);
        Map<String, Object> config = json.convertValue(frontDoor.resolvedConfig(module), MAP);
        return tokens.brokered(request, config, exchange);
    }
}
