package ai.dsp.platform.app.controltower;

import ai.dsp.platform.controltower.store.ManifestVersion;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.function.Consumer;

/**
 * Hands manifest events to the notify route (routes/control-tower-manifests.camel.yaml), which
 * sends them where document events go. Asynchronous, like the document events' wire tap: a slow
 * webhook never holds up a write.
 */
@Component
public class ManifestAnnouncer implements Consumer<ManifestVersion> {

    static final String ENDPOINT = "direct:notify-manifest";

    private final ProducerTemplate producer;
    private final Clock clock;

    public ManifestAnnouncer(ProducerTemplate producer) {
        this.producer = producer;
        this.clock = Clock.systemUTC();
    }

    @Override
    public void accept(ManifestVersion version) {
        producer.asyncSendBody(ENDPOINT, ManifestEvent.of(version));
    }

    /** A file in the manifests folder that cannot be served; the last valid version goes on serving. */
    public void invalidFile(String file, String reason) {
        producer.asyncSendBody(ENDPOINT, ManifestEvent.invalidFile(file, reason, clock.instant()));
    }
}
