package ai.dsp.platform.testing;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

/**
 * A real SFTP server (Apache MINA SSHD) on a free loopback port, serving a temp folder to one
 * user with a password, or with only a key ({@link #keyLoginOnly}). The host key persists in the
 * folder, so a restarted server is the same host to a client that checks host keys strictly;
 * {@link #knownHostsLine()} is its entry.
 */
public final class SftpServer implements AutoCloseable {

    public static final String USER = "dsp-sftp";
    /** Characters that would break a URI unless passed through raw. */
    public static final String PASSWORD = "sftp&pa+ss=1";

    private final int port = ChildProcess.freeLoopbackPorts(1)[0];
    private final Path workDir = ChildProcess.tempDirectory("dsp-sftp-");
    private final Path root = workDir.resolve("root");
    private final SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(workDir.resolve("host-key.ser"));
    private PublicKey authorizedKey;
    private SshServer server;

    public SftpServer() {
        hostKey.setAlgorithm("EC");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From the next start on the user logs in with this key only: passwords are refused. */
    public synchronized void keyLoginOnly(PublicKey key) {
        authorizedKey = key;
    }

    public int port() {
        return port;
    }

    /** The folder the user sees as its home. */
    public Path root() {
        return root;
    }

    /** Starts the server (again, with the same host key and files); no-op if it runs. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        SshServer ssh = SshServer.setUpDefaultServer();
        ssh.setHost("127.0.0.1");
        ssh.setPort(port);
        ssh.setKeyPairProvider(hostKey);
        if (authorizedKey == null) {
            ssh.setPasswordAuthenticator((username, password, session) -> USER.equals(username) && PASSWORD.equals(password));
        } else {
            PublicKey key = authorizedKey;
            ssh.setPasswordAuthenticator(null);
            ssh.setKeyboardInteractiveAuthenticator(null);
            ssh.setPublickeyAuthenticator((username, offered, session) -> USER.equals(username) && KeyUtils.compareKeys(key, offered));
        }
        ssh.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        ssh.setFileSystemFactory(new VirtualFileSystemFactory(root));
        try {
            ssh.start();
        } catch (IOException e) {
            throw new UncheckedIOException("SFTP server on port " + port + " did not start", e);
        }
        server = ssh;
    }

    /** Stops the server as an outage would: open sessions are cut. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
    }

    /** The server's entry in an OpenSSH known_hosts file. */
    public String knownHostsLine() {
        KeyPair key = hostKey.loadKeys(null).iterator().next();
        return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(key.getPublic());
    }

    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(workDir);
    }
}
