package ai.dsp.platform.controltower.store;

import ai.dsp.platform.controltower.store.ManifestVersion.Change;
import ai.dsp.platform.controltower.testing.PostgresServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The PostgreSQL store passes the contract on a real server, and keeps listening through lost connections. */
class JdbcManifestStoreTest extends ManifestStoreContract {

    private static PostgresServer postgres;
    private String database;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Override
    protected void prepareBackend() {
        database = postgres.createDatabase();
    }

    /** Each store gets a pool of its own, as each replica of the app has. */
    @Override
    protected ManifestStore openStore() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        return new JdbcManifestStore(closeAfterTest(new HikariDataSource(config)));
    }

    @Test
    void theMigrationRunsOnceAndASecondStartFindsTheTableAsItWas() throws SQLException {
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        ManifestStore restarted = open();

        assertThat(description(restarted, "alpha")).contains("one");
        assertThat(queryInt("select count(*) from flyway_control_tower_history where version = '1' and success")).isEqualTo(1);
        assertThat(queryInt("select count(*) from flyway_control_tower_history")).isEqualTo(1);
    }

    @Test
    void aSchemaThatHoldsOtherTablesGetsTheMigrationToo() throws SQLException {
        prepareBackend();
        execute("create table someone_elses (id int primary key)");

        ManifestStore fresh = open();
        fresh.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));

        assertThat(fresh.versions("alpha")).hasSize(1);
        assertThat(queryInt("select count(*) from flyway_control_tower_history where version = '1' and success")).isEqualTo(1);
    }

    @Test
    void theDocumentIsJsonbForQueriesAndTheSourceKeepsTheTextAsWritten() throws SQLException {
        store.write("alpha", document("{\"project_id\":\"alpha\",\"zeta\":1,\"alpha\":{\"b\":2,\"a\":1}}"), Precondition.absent(),
                info(Change.CREATED, "ann", "created"));

        assertThat(queryText("select source from manifest_versions")).isEqualTo("{\"project_id\":\"alpha\",\"zeta\":1,\"alpha\":{\"b\":2,\"a\":1}}");
        assertThat(queryText("select document #>> '{alpha,b}' from manifest_versions where document @> '{\"zeta\": 1}'")).isEqualTo("2");
    }

    @Test
    void theListenerComesBackAfterItsConnectionIsKilledAndMissesNothing() throws SQLException {
        List<String> heard = new CopyOnWriteArrayList<>();
        store.onChange(heard::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> listenerPid() != 0);
        int killed = listenerPid();

        assertThat(queryInt("select pg_terminate_backend(" + killed + ")::int")).isEqualTo(1);
        // most likely while nobody listens: heard through the catch-up after reconnecting
        store.write("alpha", manifest("alpha", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("alpha"));
        await().atMost(Duration.ofSeconds(5)).until(() -> listenerPid() != 0 && listenerPid() != killed);

        store.write("beta", manifest("beta", "one"), Precondition.absent(), info(Change.CREATED, "ann", "created"));
        await().atMost(Duration.ofSeconds(1)).until(() -> heard.contains("beta"));
        assertThat(heard).containsExactly("alpha", "beta");
    }

    @Test
    void closingGivesTheListeningConnectionBack() {
        await().atMost(Duration.ofSeconds(5)).until(() -> listenerPid() != 0);

        store.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> listenerPid() == 0);
    }

    /** The backend of this test's database listening for changes, 0 when none is. */
    private int listenerPid() throws SQLException {
        return queryInt("select coalesce(max(pid), 0) from pg_stat_activity where datname = current_database()"
                + " and application_name = '" + ManifestNotifications.APPLICATION_NAME + "'");
    }

    private int queryInt(String sql) throws SQLException {
        return Integer.parseInt(queryText(sql));
    }

    private String queryText(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getString(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
