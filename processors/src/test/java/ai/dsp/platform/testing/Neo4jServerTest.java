package ai.dsp.platform.testing;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.ServiceUnavailableException;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Neo4jServerTest {

    @Test
    void servesBoltAndKeepsItsDataThroughAnOutage() {
        try (Neo4jServer neo4j = new Neo4jServer(); Driver driver = GraphDatabase.driver(neo4j.boltUri(), AuthTokens.none())) {
            neo4j.start();
            try (Session session = driver.session()) {
                session.run("CREATE (:Probe {name: $name})", Map.of("name", "kept")).consume();
            }
            neo4j.stop();
            assertThatThrownBy(driver::verifyConnectivity).isInstanceOf(ServiceUnavailableException.class);
            neo4j.start();
            try (Session session = driver.session()) {
                assertThat(session.run("MATCH (p:Probe {name: 'kept'}) RETURN count(p) AS n").single().get("n").asLong()).isEqualTo(1);
            }
        }
    }
}
