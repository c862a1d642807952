package ai.dsp.platform.controltower.policy;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the Control Tower's policies live and how soon an edit on disk is seen.
 *
 * @param policiesDir     one YAML (or JSON) file per client (the seed's {@code policies/clients/*.rego} as data)
 * @param policiesRefresh how long a policy read from disk is used before its file is looked at again;
 *                        writes through the API are seen at once
 */
@Validated
@ConfigurationProperties("dsp.control-tower")
public record PolicyProperties(@NotNull Path policiesDir, @NotNull Duration policiesRefresh) {

    public PolicyProperties {
        policiesDir = policiesDir == null ? Path.of("config", "policies") : policiesDir;
        policiesRefresh = policiesRefresh == null ? Duration.ofSeconds(1) : policiesRefresh;
    }
}
