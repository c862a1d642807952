package ai.dsp.platform.app.messaging.remote;

import ai.dsp.platform.app.messaging.PasswordSource;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * A folder on an SFTP server polled for documents ({@code dsp.sftp.*}, routes/ingest-sftp.camel.yaml).
 *
 * @param enabled               poll the folder
 * @param host                  the SFTP server
 * @param port                  its SSH port
 * @param username              the account; its password from {@code DSP_SFTP_PASSWORD} or a secret file
 * @param password              never in a config file; none when the account logs in with a key
 * @param privateKeyFile        an OpenSSH or PEM private key (a mounted secret) the account logs in with, tried before the password
 * @param privateKeyPassphrase  the key's passphrase, from {@code DSP_SFTP_PRIVATE_KEY_PASSPHRASE}; none for an unencrypted key
 * @param directory             the folder to poll, relative to the account's home; {@code .done/} and {@code .failed/} are made inside it
 * @param knownHostsFile        OpenSSH known_hosts file holding the server's host key
 * @param strictHostKeyChecking {@code yes}: a server whose key is not in known-hosts-file is refused
 * @param minFileAge            a file younger than this is watched until its size and time stop changing
 * @param pollDelay             time between two polls of the folder
 */
@Validated
@ConfigurationProperties("dsp.sftp")
public record SftpProperties(boolean enabled, @NotBlank String host, @Min(1) @Max(65535) int port, @NotBlank String username,
                             String password, String privateKeyFile, String privateKeyPassphrase, @NotBlank String directory,
                             String knownHostsFile, @Pattern(regexp = "yes|no") String strictHostKeyChecking, Duration minFileAge,
                             Duration pollDelay) {

    public SftpProperties {
        if (enabled && blank(password) && blank(privateKeyFile)) {
            throw new IllegalArgumentException("dsp.sftp needs a password (DSP_SFTP_PASSWORD) or a private-key-file to log in with");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** Without the password, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "SftpProperties[enabled=" + enabled + ", host=" + host + ", port=" + port + ", username=" + username
                + ", password=" + PasswordSource.masked(password) + ", privateKeyFile=" + privateKeyFile
                + ", privateKeyPassphrase=" + PasswordSource.masked(privateKeyPassphrase) + ", directory=" + directory
                + ", knownHostsFile=" + knownHostsFile + ", strictHostKeyChecking=" + strictHostKeyChecking + ", minFileAge=" + minFileAge
                + ", pollDelay=" + pollDelay + "]";
    }

}
