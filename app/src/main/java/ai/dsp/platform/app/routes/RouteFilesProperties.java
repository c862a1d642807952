package ai.dsp.platform.app.routes;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The route files ({@code dsp.routes.*}).
 *
 * @param dir           the folder of {@code *.camel.yaml} files (a symbolic link, as a Kubernetes
 *                      ConfigMap mount makes it, is followed)
 * @param watchInterval how often the folder is compared with what runs
 * @param required      route ids the platform cannot work without: a start or a change that would
 *                      leave one out is refused
 */
@ConfigurationProperties("dsp.routes")
public record RouteFilesProperties(Path dir, Duration watchInterval, List<String> required) {

    public RouteFilesProperties {
        dir = dir == null ? Path.of("routes") : dir;
        watchInterval = watchInterval == null ? Duration.ofSeconds(1) : watchInterval;
        required = required == null ? List.of() : List.copyOf(required);
    }
}
