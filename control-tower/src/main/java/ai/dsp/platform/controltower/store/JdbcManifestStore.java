package ai.dsp.platform.controltower.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The production manifest store: table {@code manifest_versions} in PostgreSQL (migrated by
 * Flyway from {@code classpath:db/controltower}, history table {@code flyway_control_tower_history},
 * so it can share a database and schema with others).
 *
 * <p>A write reads the newest version and inserts the next number in one transaction; two
 * writers of the same number meet at the primary key, and the loser gets a
 * {@link VersionConflictException} with the winner's number (or, when its precondition still
 * holds, as for {@link Precondition#any()}, simply goes again). Every write also sends
 * {@code NOTIFY dsp_manifests, '<project_id>'} in its transaction, so every store on the database
 * hears it after the commit: {@link ManifestNotifications} keeps a connection of the pool
 * listening (count it in the pool size) and tells the {@link #onChange} listeners, this
 * process's writes included.
 */
public final class JdbcManifestStore implements ManifestStore {

    static final String CHANNEL = "dsp_manifests";
    static final String MIGRATIONS = "classpath:db/controltower";
    static final String FLYWAY_TABLE = "flyway_control_tower_history";
    private static final String COLUMNS = "project_id, version, change, author, created_at, summary, source";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final ChangeListeners listeners = new ChangeListeners();
    private final ManifestNotifications notifications;

    /** Migrates the database (a no-op when it is up to date; concurrent replicas wait for each other) and starts listening. */
    public JdbcManifestStore(DataSource dataSource) {
        this.dataSource = dataSource;
        Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .table(FLYWAY_TABLE)
                // a schema that already holds other tables (the app's, another module's) gets our history table too
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        this.notifications = new ManifestNotifications(dataSource, listeners);
    }

    @Override
    public List<ManifestVersion> current() {
        return reading("the manifests", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select " + COLUMNS + " from (select distinct on"
                    + " (project_id) " + COLUMNS + " from manifest_versions order by project_id, version desc) newest"
                    + " where change <> 'DELETED' order by project_id")) {
                return versions(statement);
            }
        });
    }

    @Override
    public Optional<ManifestVersion> current(String projectId) {
        StoreArguments.projectId(projectId);
        return reading(projectId, connection -> newest(connection, projectId).filter(version -> !version.deleted()));
    }

    @Override
    public List<ManifestVersion> versions(String projectId) {
        StoreArguments.projectId(projectId);
        return reading(projectId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select " + COLUMNS
                    + " from manifest_versions where project_id = ? order by version")) {
                statement.setString(1, projectId);
                return versions(statement);
            }
        });
    }

    @Override
    public Optional<ManifestVersion> version(String projectId, int number) {
        StoreArguments.projectId(projectId);
        return reading(projectId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select " + COLUMNS
                    + " from manifest_versions where project_id = ? and version = ?")) {
                statement.setString(1, projectId);
                statement.setInt(2, number);
                return versions(statement).stream().findFirst();
            }
        });
    }

    @Override
    public ManifestVersion write(String projectId, ObjectNode document, Precondition precondition, VersionInfo info) {
        StoreArguments.projectId(projectId);
        String source = StoredJson.compact(StoreArguments.document(projectId, document));
        StoreArguments.writeInfo(info);
        return insertNext(projectId, precondition, info, source, false);
    }

    @Override
    public ManifestVersion delete(String projectId, Precondition precondition, VersionInfo info) {
        StoreArguments.projectId(projectId);
        StoreArguments.deleteInfo(info);
        return insertNext(projectId, precondition, info, null, true);
    }

    @Override
    public boolean purge(String projectId) {
        StoreArguments.projectId(projectId);
        return changing(projectId, connection -> {
            int removed;
            try (PreparedStatement statement = connection.prepareStatement("delete from manifest_versions where project_id = ?")) {
                statement.setString(1, projectId);
                removed = statement.executeUpdate();
            }
            if (removed > 0) {
                notify(connection, projectId);
            }
            connection.commit();
            return removed > 0;
        });
    }

    @Override
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Stops listening and gives the listener's connection back; the data source is the caller's to close. */
    @Override
    public void close() {
        notifications.close();
    }

    /**
     * Inserts the next version when the precondition holds. Losing the race at the primary key
     * means another writer's version is in: a conflict, unless the precondition still holds
     * against it, when the write goes again on top of it.
     */
    private ManifestVersion insertNext(String projectId, Precondition precondition, VersionInfo info, String source, boolean delete) {
        while (true) {
            ManifestVersion written = changing(projectId, connection -> {
                Optional<ManifestVersion> newest = newest(connection, projectId);
                requireHolds(projectId, precondition, newest, delete);
                ManifestVersion next = new ManifestVersion(projectId, newest.map(ManifestVersion::number).orElse(0) + 1,
                        info.change(), info.author(), Instant.now().truncatedTo(ChronoUnit.MICROS), info.summary(),
                        source == null ? null : parse(projectId, source));
                try {
                    insert(connection, next, source);
                } catch (SQLException e) {
                    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        connection.rollback();
                        return null;
                    }
                    throw e;
                }
                notify(connection, projectId);
                connection.commit();
                return next;
            });
            if (written != null) {
                return written;
            }
            reading(projectId, connection -> {
                requireHolds(projectId, precondition, newest(connection, projectId), delete);
                return null;
            });
        }
    }

    private static void requireHolds(String projectId, Precondition precondition, Optional<ManifestVersion> newest, boolean delete) {
        int current = newest.filter(version -> !version.deleted()).map(ManifestVersion::number).orElse(0);
        if (!precondition.holds(current) || (delete && current == 0)) {
            throw new VersionConflictException(projectId, precondition, current);
        }
    }

    private static void insert(Connection connection, ManifestVersion version, String source) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("insert into manifest_versions (project_id, version,"
                + " change, author, created_at, summary, document, source) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            statement.setString(1, version.projectId());
            statement.setInt(2, version.number());
            statement.setString(3, version.change().name());
            statement.setString(4, version.author());
            statement.setObject(5, OffsetDateTime.ofInstant(version.createdAt(), ZoneOffset.UTC));
            statement.setString(6, version.summary());
            statement.setString(7, source);
            statement.setString(8, source);
            statement.executeUpdate();
        }
    }

    /** Delivered to every listening session when the transaction commits, not before. */
    private static void notify(Connection connection, String projectId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select pg_notify(?, ?)")) {
            statement.setString(1, CHANNEL);
            statement.setString(2, projectId);
            statement.execute();
        }
    }

    private static Optional<ManifestVersion> newest(Connection connection, String projectId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select " + COLUMNS
                + " from manifest_versions where project_id = ? order by version desc limit 1")) {
            statement.setString(1, projectId);
            return versions(statement).stream().findFirst();
        }
    }

    private static List<ManifestVersion> versions(PreparedStatement statement) throws SQLException {
        List<ManifestVersion> versions = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String projectId = rows.getString("project_id");
                String source = rows.getString("source");
                versions.add(new ManifestVersion(projectId, rows.getInt("version"),
                        ManifestVersion.Change.valueOf(rows.getString("change")), rows.getString("author"),
                        rows.getObject("created_at", OffsetDateTime.class).toInstant(), rows.getString("summary"),
                        source == null ? null : parse(projectId, source)));
            }
        }
        return versions;
    }

    private static ObjectNode parse(String projectId, String source) {
        try {
            return StoredJson.parseObject(source);
        } catch (JsonProcessingException e) {
            throw new ManifestStoreException("manifest " + projectId + " holds a source that is not a JSON object", e);
        }
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T reading(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new ManifestStoreException("cannot read " + what + " from PostgreSQL (" + e.getSQLState() + ")", e);
        }
    }

    /** In one transaction, which {@code work} commits; anything else rolls it back. */
    private <T> T changing(String projectId, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return work.run(connection);
            } catch (SQLException | RuntimeException e) {
                rollBack(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new ManifestStoreException("cannot change manifest " + projectId + " in PostgreSQL (" + e.getSQLState() + ")", e);
        }
    }

    private static void rollBack(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
