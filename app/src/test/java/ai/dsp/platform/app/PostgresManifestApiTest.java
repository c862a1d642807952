package ai.dsp.platform.app;

import ai.dsp.platform.controltower.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The manifest API on the production store, PostgreSQL (a real server the harness starts). */
class PostgresManifestApiTest extends ManifestApiContract {

    static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        start("--dsp.control-tower.store.type=postgres",
                "--dsp.control-tower.store.postgres.url=" + postgres.createDatabase(),
                "--dsp.control-tower.store.postgres.username=postgres");
    }

    @AfterAll
    static void stopServer() {
        postgres.close();
    }
}
