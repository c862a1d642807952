package ai.dsp.platform.testing;

import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of {@link Neo4jServer}: a Neo4j 5 community database (the jars neo4j-harness
 * brings) in a home folder that outlives the process, Bolt on the given loopback port and no
 * authentication, running until the process is told to stop; it then shuts down cleanly, so the
 * next start on the same folder finds everything.
 */
public final class Neo4jServerMain {

    private Neo4jServerMain() {
    }

    /** {@code args}: the home folder and the Bolt port. */
    public static void main(String[] args) throws InterruptedException {
        DatabaseManagementService neo4j = new DatabaseManagementServiceBuilder(Path.of(args[0]))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", Integer.parseInt(args[1])))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            neo4j.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));
        System.out.println("neo4j serving bolt on port " + args[1]);
        stopped.await();
    }
}
