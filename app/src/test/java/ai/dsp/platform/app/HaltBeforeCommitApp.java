package ai.dsp.platform.app;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.model.BeanDefinition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The app, run as a child process by {@link KafkaCrashRecoveryTest}, whose Kafka route dies right
 * between the store write and the offset commit: the JVM halts as under {@code kill -9}, no
 * shutdown hook, no commit. It writes the file named by {@code -Ddsp.test.ready-file} once the
 * advised route consumes.
 */
public final class HaltBeforeCommitApp {

    /** The exit code that says the halt happened where intended. */
    static final int HALTED = 86;

    private HaltBeforeCommitApp() {
    }

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DspApplication.class).run(args);
        CamelContext camel = context.getBean(CamelContext.class);
        // the route's last bean step is kafkaDocuments.commit
        AdviceWith.adviceWith(camel, "ingest-kafka", route -> route.weaveByType(BeanDefinition.class).selectLast()
                .before().process(exchange -> Runtime.getRuntime().halt(HALTED)));
        Files.writeString(Path.of(System.getProperty("dsp.test.ready-file")), "ready");
    }
}
