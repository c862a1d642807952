package ai.dsp.platform.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A real Kafka 3.9 KRaft broker (combined broker and controller) for integration tests, run as a
 * child JVM from the Kafka jars on the test classpath.
 *
 * <p>A child process rather than an in-process broker: the broker's threads, static metrics and
 * heap stay out of the test JVM, and a test can stop it like a real outage.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int NODE_ID = 1;
    private static final int LOG_TAIL_LINES = 60;

    private static final SharedServer<KafkaBroker> SHARED = new SharedServer<>("Kafka broker", KafkaBroker::new, KafkaBroker::start);

    private final Path workDir;
    private final Path consoleLog;
    private final int brokerPort;
    private final int controllerPort;
    private ChildProcess process;

    /** A broker on free loopback ports with its storage in a fresh temp folder; call {@link #start()}. */
    public KafkaBroker() {
        int[] ports = ChildProcess.freeLoopbackPorts(2);
        this.brokerPort = ports[0];
        this.controllerPort = ports[1];
        this.workDir = ChildProcess.tempDirectory("dsp-kafka-");
        this.consoleLog = workDir.resolve("broker.log");
        writeConfiguration();
    }

    /**
     * The broker shared by all tests of this JVM, started on first use and stopped (temp folder
     * deleted) when the JVM exits. A failed start is remembered so later tests fail fast.
     */
    public static KafkaBroker shared() {
        return SHARED.get();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public synchronized boolean running() {
        return process != null && process.alive();
    }

    /** Starts the broker (again, with its data) and returns once it answers clients; no-op if it runs. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        if (!formatted()) {
            formatStorage();
        }
        process = launch("kafka.Kafka", config().toString());
        try {
            awaitAnswering();
        } catch (RuntimeException e) {
            terminate(Duration.ZERO);
            throw e;
        }
    }

    /** Shuts the broker down (SIGTERM: controlled shutdown) and returns once the process is gone. */
    public synchronized void stop() {
        if (process != null) {
            terminate(STOP_TIMEOUT);
        }
    }

    /** Stops the broker and deletes its temp folder, logs included. */
    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(workDir);
    }

    /** Creates a topic (replication factor 1) and returns once every partition has a leader. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            await(admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(), TOPIC_TIMEOUT);
            awaitLeaders(admin, name, partitions);
        }
    }

    private Map<String, String> serverProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(NODE_ID));
        properties.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://" + bootstrapServers());
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("log.dirs", logDir().toString());
        properties.put("num.partitions", "1");
        properties.put("auto.create.topics.enable", "true");
        properties.put("offsets.topic.replication.factor", "1");
        // one partition instead of 50 makes the first consumer group's coordinator ready in a blink
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        // the log cleaner allocates its dedupe buffer on the heap (128 MB by default), which in a
        // 256 MB heap leaves too little once a larger test classpath (app's, with Neo4j's jars) is loaded
        properties.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return properties;
    }

    /** The broker logs through the test classpath's logback; its default would be DEBUG. */
    private static String logbackConfiguration() {
        return """
                <configuration>
                  <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="console"/></root>
                </configuration>
                """;
    }

    private void formatStorage() {
        ChildProcess format = launch("kafka.tools.StorageTool",
                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config().toString());
        if (!format.awaitExit(FORMAT_TIMEOUT)) {
            format.stop(Duration.ZERO, STOP_TIMEOUT);
            throw failure("storage format did not finish within " + FORMAT_TIMEOUT.toSeconds() + " s");
        }
        if (format.exitValue() != 0) {
            throw failure("storage format failed with exit code " + format.exitValue());
        }
    }

    /** The format tool writes meta.properties; a restarted broker must keep its cluster id and data. */
    private boolean formatted() {
        return Files.exists(logDir().resolve("meta.properties"));
    }

    private ChildProcess launch(String mainClass, String... arguments) {
        List<String> jvmOptions = new ArrayList<>(JVM_OPTIONS);
        jvmOptions.add("-Dlogback.configurationFile=" + workDir.resolve("logback.xml"));
        return ChildProcess.java(mainClass, jvmOptions, List.of(arguments), workDir, consoleLog);
    }

    private void awaitAnswering() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        try (Admin admin = admin()) {
            while (!answers(admin)) {
                if (!process.alive()) {
                    throw failure("exited with code " + process.exitValue() + " while starting");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw failure("did not answer within " + START_TIMEOUT.toSeconds() + " s");
                }
                process.awaitExit(POLL_INTERVAL);
            }
        }
    }

    /** The broker only serves clients after it caught up with the metadata log and was unfenced. */
    private static boolean answers(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private void awaitLeaders(Admin admin, String topic, int partitions) {
        Instant deadline = Instant.now().plus(TOPIC_TIMEOUT);
        while (!hasLeaders(admin, topic, partitions)) {
            if (Instant.now().isAfter(deadline)) {
                throw failure("topic " + topic + " has no leader for all " + partitions + " partitions after "
                        + TOPIC_TIMEOUT.toSeconds() + " s");
            }
            pause();
        }
    }

    private static boolean hasLeaders(Admin admin, String topic, int partitions) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            // metadata can lag the creation for a moment: unknown topic means "not yet"
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TOPIC_TIMEOUT.toMillis()));
    }

    private void terminate(Duration grace) {
        process.stop(grace, STOP_TIMEOUT);
        process = null;
    }

    private IllegalStateException failure(String reason) {
        return new IllegalStateException("Kafka broker at " + bootstrapServers() + " " + reason
                + "; output in " + consoleLog + ", last lines:\n" + ChildProcess.tail(consoleLog, LOG_TAIL_LINES));
    }

    private Path config() {
        return workDir.resolve("server.properties");
    }

    private Path logDir() {
        return workDir.resolve("kafka-logs");
    }

    private void writeConfiguration() {
        String properties = serverProperties().entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            Files.writeString(config(), properties);
            Files.writeString(workDir.resolve("logback.xml"), logbackConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka configuration into " + workDir, e);
        }
    }

    private static <T> T await(Future<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
