package ai.dsp.platform.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication(scanBasePackages = "ai.dsp.platform")
@ConfigurationPropertiesScan("ai.dsp.platform")
public class DspApplication {

    public static void main(String[] args) {
        SpringApplication.run(DspApplication.class, args);
    }
}
