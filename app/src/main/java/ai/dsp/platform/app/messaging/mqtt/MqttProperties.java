package ai.dsp.platform.app.messaging.mqtt;

import jakarta.validation.constraints.NotBlank;
import ai.dsp.platform.app.messaging.PasswordSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The MQTT 5 broker of {@code routes/ingest-mqtt.camel.yaml} and the events outlet. The routes
 * read topics, client id and session settings as placeholders; this record configures the
 * {@code paho-mqtt5} component they share (broker and credentials), so no route names a secret.
 * The password comes from the environment ({@code DSP_MQTT_PASSWORD}) or from a file (a mounted
 * secret, {@code password-file}).
 *
 * @param enabled      consume {@code documents-topic} and publish events to {@code events-topic}
 * @param brokerUrl    {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param username     the broker user; none for anonymous access
 * @param password     from the environment only
 * @param passwordFile a file whose content (without the trailing line break) is the password
 * @param reconnectInterval how often a consumer route that lost its broker is checked and restarted ({@link MqttReconnects})
 */
@Validated
@ConfigurationProperties("dsp.mqtt")
public record MqttProperties(boolean enabled, @NotBlank String brokerUrl, String username, String password, Path passwordFile,
                             @DefaultValue("2s") Duration reconnectInterval) {

    public MqttProperties {
        PasswordSource.requireOne(password, passwordFile, "dsp.mqtt");
    }

    /** The password from the environment or the password file; null when there is none. */
    public String resolvedPassword() {
        return PasswordSource.resolve(password, passwordFile, "dsp.mqtt");
    }

    /** Without the password, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "MqttProperties[enabled=" + enabled + ", brokerUrl=" + brokerUrl + ", username=" + username
                + ", password=" + PasswordSource.masked(password) + ", passwordFile=" + passwordFile
                + ", reconnectInterval=" + reconnectInterval + "]";
    }
}
