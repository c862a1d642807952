package ai.dsp.platform.controltower.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@link JdbcManifestStore}'s ear: a thread holding one connection that {@code LISTEN}s on
 * {@code dsp_manifests} and tells the change listeners which project changed.
 *
 * <p>It compares what it hears with the newest version of each project as it last told the
 * listeners, so a lost connection loses nothing: after reconnecting (with growing pauses, up to
 * {@link #MAX_BACKOFF}) it compares every project and reports those that changed meanwhile.
 * The same comparison makes several notifications of one change one report. The connection
 * carries the application name {@value #APPLICATION_NAME} (visible in {@code pg_stat_activity}).
 */
final class ManifestNotifications {

    static final String APPLICATION_NAME = "dsp-manifest-listener";
    private static final Logger LOG = LoggerFactory.getLogger(ManifestNotifications.class);
    /** How long one wait for notifications lasts, and so at most how long {@link #close()} waits for the thread. */
    private static final int WAIT_MILLIS = 100;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final ChangeListeners listeners;
    /** Only the listener thread touches it once started. */
    private final Map<String, Head> told;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;

    /** Takes the state every later change is measured against (so that start-up reports nothing), then starts listening. */
    ManifestNotifications(DataSource dataSource, ChangeListeners listeners) {
        this.dataSource = dataSource;
        this.listeners = listeners;
        try (Connection connection = dataSource.getConnection()) {
            this.told = heads(connection);
        } catch (SQLException e) {
            throw new ManifestStoreException("cannot read the manifests from PostgreSQL (" + e.getSQLState() + ")", e);
        }
        this.thread = new Thread(this::run, "manifest-notifications");
        thread.setDaemon(true);
        thread.start();
    }

    void close() {
        closed.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (!isClosed()) {
            try {
                listen();
                return;
            } catch (SQLException | RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                LOG.warn("manifest change listener: lost PostgreSQL ({}, {}); listening again in {} ms",
                        e.getClass().getSimpleName(), e instanceof SQLException sql ? sql.getSQLState() : "-", backoff.toMillis());
                try {
                    if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Listens until closed (returns) or the connection fails (throws). */
    private void listen() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            // notifications arrive between transactions only, and a LISTEN inside one waits for its commit
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("set application_name = '" + APPLICATION_NAME + "'");
                statement.execute("listen " + JdbcManifestStore.CHANNEL);
            }
            catchUp(connection);
            PGConnection notifications = connection.unwrap(PGConnection.class);
            while (!isClosed()) {
                PGNotification[] heard = notifications.getNotifications(WAIT_MILLIS);
                if (heard != null) {
                    Set<String> projects = new TreeSet<>();
                    for (PGNotification notification : heard) {
                        if (JdbcManifestStore.CHANNEL.equals(notification.getName())) {
                            projects.add(notification.getParameter());
                        }
                    }
                    for (String projectId : projects) {
                        Head head = head(connection, projectId);
                        if (!Objects.equals(head, told.get(projectId))) {
                            tell(projectId, head);
                        }
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                // the connection goes back to the pool: it must not collect notifications nobody reads
                statement.execute("unlisten *");
                statement.execute("reset application_name");
            }
        } catch (SQLException | RuntimeException e) {
            showPoolItsState(connection);
            throw e;
        } finally {
            closeQuietly(connection);
        }
    }

    /** Reports what changed while nobody listened (before the first LISTEN, or between connections). */
    private void catchUp(Connection connection) throws SQLException {
        Map<String, Head> now = heads(connection);
        Set<String> projects = new HashSet<>(told.keySet());
        projects.addAll(now.keySet());
        for (String projectId : new TreeSet<>(projects)) {
            if (!Objects.equals(now.get(projectId), told.get(projectId))) {
                tell(projectId, now.get(projectId));
            }
        }
    }

    private void tell(String projectId, Head head) {
        if (head == null) {
            told.remove(projectId);
        } else {
            told.put(projectId, head);
        }
        listeners.changed(projectId);
    }

    private static Map<String, Head> heads(Connection connection) throws SQLException {
        Map<String, Head> heads = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("select distinct on (project_id) project_id, version,"
                + " created_at from manifest_versions order by project_id, version desc");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                heads.put(rows.getString(1), new Head(rows.getInt(2), rows.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
        return heads;
    }

    private static Head head(Connection connection, String projectId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select version, created_at from manifest_versions"
                + " where project_id = ? order by version desc limit 1")) {
            statement.setString(1, projectId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new Head(rows.getInt(1), rows.getObject(2, OffsetDateTime.class).toInstant()) : null;
            }
        }
    }

    /**
     * Notifications are read past the pool's proxy, so a pool does not see the connection die
     * there; a statement through the proxy shows it (a failing one makes the pool evict it)
     * before the connection is handed to a writer.
     */
    private static void showPoolItsState(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select 1");
        } catch (SQLException e) {
            LOG.debug("the listening connection is dead", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the listening connection failed", e);
        }
    }

    /** The newest version of a project: the number alone would miss a purge and re-create to the same number. */
    private record Head(int number, Instant createdAt) {
    }
}
