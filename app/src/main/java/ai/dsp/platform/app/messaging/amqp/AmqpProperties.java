package ai.dsp.platform.app.messaging.amqp;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import ai.dsp.platform.app.messaging.PasswordSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;

/**
 * The AMQP 0-9-1 broker (RabbitMQ) of {@code routes/ingest-amqp.camel.yaml} and the events outlet.
 * The routes read the queue and exchange names as placeholders; this record makes the one
 * connection they share. The password never sits in a configuration file: it comes from the
 * environment ({@code DSP_AMQP_PASSWORD}) or from a file (a mounted secret, {@code password-file}).
 *
 * @param enabled      consume {@code queue} and publish events to {@code events-exchange}
 * @param host         the broker's host
 * @param port         its AMQP port
 * @param virtualHost  the virtual host the queues live in
 * @param username     the broker user
 * @param password     from the environment only
 * @param passwordFile a file whose content (without the trailing line break) is the password
 */
@Validated
@ConfigurationProperties("dsp.amqp")
public record AmqpProperties(
        boolean enabled,
        @NotBlank String host,
        @Min(1) @Max(65535) int port,
        @NotBlank String virtualHost,
        @NotBlank String username,
        String password,
        Path passwordFile) {

    public AmqpProperties {
        PasswordSource.requireOne(password, passwordFile, "dsp.amqp");
    }

    /** The password from the environment or the password file; null when there is none. */
    public String resolvedPassword() {
        return PasswordSource.resolve(password, passwordFile, "dsp.amqp");
    }

    /** Without the password, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "AmqpProperties[enabled=" + enabled + ", host=" + host + ", port=" + port + ", virtualHost=" + virtualHost
                + ", username=" + username + ", password=" + PasswordSource.masked(password)
                + ", passwordFile=" + passwordFile + "]";
    }
}
