package ai.dsp.platform.app.frontdoor;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Front Door's settings ({@code dsp.front-door.*}).
 *
 * @param environment the platform's environment; modules whose status is {@code development} are
 *                    served only where it is {@code development}
 */
@Validated
@ConfigurationProperties("dsp.front-door")
public record FrontDoorProperties(String environment) {

    public static final String DEVELOPMENT = "development";

    public FrontDoorProperties {
        environment = environment == null || environment.isBlank() ? DEVELOPMENT : environment.strip();
    }
}
