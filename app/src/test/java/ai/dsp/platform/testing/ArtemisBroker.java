package ai.dsp.platform.testing;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

import java.nio.file.Path;
import java.util.Set;

/**
 * A real ActiveMQ Artemis broker (the embedded server of the Artemis distribution) on a free
 * loopback port, with persistent journals in a temp folder so that a restart keeps its messages,
 * and authentication on: one user who may do anything on the addresses it is granted.
 */
public final class ArtemisBroker implements AutoCloseable {

    public static final String USER = "dsp-ingest";
    /** Characters that would break a URI unless passed through raw. */
    public static final String PASSWORD = "s3cr&t+pa=ss";
    private static final String ROLE = "ingest";

    private final int port = ChildProcess.freeLoopbackPorts(1)[0];
    private final Path dataDir = ChildProcess.tempDirectory("dsp-artemis-");
    private final String deadLetterAddress;
    private final int maxDeliveryAttempts;
    private EmbeddedActiveMQ server;

    /** @param deadLetterAddress where the broker moves a message delivered (and rolled back) maxDeliveryAttempts times */
    public ArtemisBroker(String deadLetterAddress, int maxDeliveryAttempts) {
        this.deadLetterAddress = deadLetterAddress;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker (again, with its journal); no-op if it runs. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(USER, PASSWORD);
        users.addRole(USER, ROLE);
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ()
                .setConfiguration(configuration())
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        try {
            embedded.start();
        } catch (Exception e) {
            throw new IllegalStateException("Artemis broker at " + url() + " did not start", e);
        }
        server = embedded;
    }

    /** Stops the broker as an outage would: clients lose their connections, messages stay in the journal. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Artemis broker at " + url() + " did not stop", e);
        } finally {
            server = null;
        }
    }

    /** From now on the user may consume from the address but not send to it, as with a misconfigured dead-letter queue. */
    public synchronized void denySend(String address) {
        server.getActiveMQServer().getSecurityRepository().addMatch(address, Set.of(role(false)));
    }

    public synchronized void allowSend(String address) {
        server.getActiveMQServer().getSecurityRepository().removeMatch(address);
    }

    /** Messages waiting in a queue (0 for a queue that does not exist yet). */
    public synchronized long messageCount(String queue) {
        var binding = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return binding == null ? 0 : binding.getMessageCount();
    }

    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(dataDir);
    }

    private Configuration configuration() {
        Configuration configuration = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setSecurityEnabled(true)
                // permissions changed at run time apply at once
                .setSecurityInvalidationInterval(0)
                .setJMXManagementEnabled(false);
        try {
            configuration.addAcceptorConfiguration("tcp", url());
        } catch (Exception e) {
            throw new IllegalStateException("bad acceptor " + url(), e);
        }
        configuration.addAddressSetting("#", new AddressSettings()
                .setMaxDeliveryAttempts(maxDeliveryAttempts)
                .setDeadLetterAddress(SimpleString.of(deadLetterAddress))
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true));
        // the broker's dead letters need a queue on their address, or it would drop them
        configuration.addQueueConfiguration(QueueConfiguration.of(deadLetterAddress).setRoutingType(RoutingType.ANYCAST));
        configuration.putSecurityRoles("#", Set.of(role(true)));
        return configuration;
    }

    private static Role role(boolean send) {
        return new Role(ROLE, send, true, true, true, true, true, true, true, true, true);
    }
}
