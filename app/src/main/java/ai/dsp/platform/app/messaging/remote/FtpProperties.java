package ai.dsp.platform.app.messaging.remote;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * A folder on an FTP server polled for documents ({@code dsp.ftp.*}, routes/ingest-ftp.camel.yaml).
 * Plain FTP sends the password unencrypted: use it only inside a trusted network, else SFTP.
 *
 * @param enabled   poll the folder
 * @param host      the FTP server
 * @param port      its control port
 * @param username  the account; its password from {@code DSP_FTP_PASSWORD} or a secret file
 * @param password  never in a config file
 * @param directory the folder to poll, relative to the account's home; {@code .done/} and {@code .failed/} are made inside it
 * @param pollDelay time between two polls of the folder
 */
@Validated
@ConfigurationProperties("dsp.ftp")
public record FtpProperties(boolean enabled, @NotBlank String host, @Min(1) @Max(65535) int port, @NotBlank String username,
                            String password, @NotBlank String directory, Duration pollDelay) {

    /** Without the password, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "FtpProperties[enabled=" + enabled + ", host=" + host + ", port=" + port + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "unset" : "***") + ", directory=" + directory
                + ", pollDelay=" + pollDelay + "]";
    }
}
