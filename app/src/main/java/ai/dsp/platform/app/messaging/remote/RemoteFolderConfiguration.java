package ai.dsp.platform.app.messaging.remote;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans of the SFTP and FTP folder routes, one per source. */
@Configuration(proxyBeanMethods = false)
public class RemoteFolderConfiguration {

    @Bean
    RemoteFolderFiles sftpFiles() {
        return new RemoteFolderFiles("sftp", "direct:sftp-failed");
    }

    @Bean
    RemoteFolderFiles ftpFiles() {
        return new RemoteFolderFiles("ftp", "direct:ftp-failed");
    }
}
