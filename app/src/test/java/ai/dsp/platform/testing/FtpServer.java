package ai.dsp.platform.testing;

import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.apache.ftpserver.ftplet.UserManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real FTP server (Apache FtpServer) on a free loopback port, serving a temp folder to one user
 * with a password, passive data connections on loopback.
 */
public final class FtpServer implements AutoCloseable {

    public static final String USER = "dsp-ftp";
    /** Characters that would break a URI unless passed through raw. */
    public static final String PASSWORD = "ftp&pa+ss=2";

    private final int port = ChildProcess.freeLoopbackPorts(1)[0];
    private final Path root = ChildProcess.tempDirectory("dsp-ftp-");
    private org.apache.ftpserver.FtpServer server;

    public FtpServer() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The folder the user sees as its home. */
    public Path root() {
        return root;
    }

    /** Starts the server (again, on the same port and files); no-op if it runs. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(port);
        FtpServerFactory factory = new FtpServerFactory();
        factory.addListener("default", listener.createListener());
        factory.setUserManager(users());
        org.apache.ftpserver.FtpServer ftp = factory.createServer();
        try {
            ftp.start();
        } catch (FtpException e) {
            throw new IllegalStateException("FTP server on port " + port + " did not start", e);
        }
        server = ftp;
    }

    /** Stops the server as an outage would: open sessions are cut. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    private UserManager users() {
        UserManager users = new PropertiesUserManagerFactory().createUserManager();
        BaseUser user = new BaseUser();
        user.setName(USER);
        user.setPassword(PASSWORD);
        user.setHomeDirectory(root.toString());
        user.setAuthorities(List.<Authority>of(new WritePermission()));
        try {
            users.save(user);
        } catch (FtpException e) {
            throw new IllegalStateException(e);
        }
        return users;
    }

    @Override
    public synchronized void close() {
        stop();
        ChildProcess.deleteRecursively(root);
    }
}
