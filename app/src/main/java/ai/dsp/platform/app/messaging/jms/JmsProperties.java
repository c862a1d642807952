package ai.dsp.platform.app.messaging.jms;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * JMS ingestion from ActiveMQ Artemis ({@code dsp.jms.*}, routes/ingest-jms.camel.yaml).
 *
 * @param enabled         consume the documents queue
 * @param brokerUrl       Artemis connector URL, e.g. {@code tcp://artemis:61616}
 * @param username        broker user; empty for a broker without authentication
 * @param password        from the environment ({@code DSP_JMS_PASSWORD}) or a secret file, never a config file
 * @param documentsQueue  the queue document messages arrive on
 * @param deadLetterQueue where the platform puts a message it cannot ingest, with dsp_error_* properties
 * @param consumers       concurrent consumers of this instance, each ingesting one message at a time
 */
@Validated
@ConfigurationProperties("dsp.jms")
public record JmsProperties(boolean enabled, @NotBlank String brokerUrl, String username, String password,
                            @NotBlank String documentsQueue, @NotBlank String deadLetterQueue,
                            @Min(1) @Max(64) int consumers) {

    /** Without the password, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "JmsProperties[enabled=" + enabled + ", brokerUrl=" + brokerUrl + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "unset" : "***")
                + ", documentsQueue=" + documentsQueue + ", deadLetterQueue=" + deadLetterQueue + ", consumers=" + consumers + "]";
    }
}
