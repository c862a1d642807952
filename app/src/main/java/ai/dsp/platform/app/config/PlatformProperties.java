package ai.dsp.platform.app.config;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the embedded defaults keep their state: {@code dataDir} holds the index and the document
 * registry, {@code inbox} is the drop folder, {@code collections} exist even while empty.
 */
@Validated
@ConfigurationProperties("dsp")
public record PlatformProperties(@NotNull Path dataDir, @NotNull Path inbox, List<String> collections) {

    public PlatformProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        inbox = inbox == null ? Path.of("inbox") : inbox;
        collections = collections == null ? List.of("default") : List.copyOf(collections);
    }
}
