package ai.dsp.platform.graph;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.Map;

/**
 * The knowledge graph's Neo4j and its traversal bounds ({@code dsp.graph.*}). The password comes
 * from the environment ({@code DSP_GRAPH_PASSWORD}) or a secret file, never a config file.
 *
 * @param enabled             connect to Neo4j and build the graph of {@code collections} (and of the modules that ask for it)
 * @param collections         collections with the graph on, each with its {@code max_hops} (1 to 3)
 * @param uri                 {@code bolt://host:7687} or {@code neo4j://...}
 * @param username            none for a server without authentication
 * @param password            from the environment only
 * @param database            the Neo4j database
 * @param similarityThreshold cosine similarity of two entity names' embeddings from which they are linked {@code SIMILAR_TO}
 * @param similarNeighbours   how many nearest entities a new entity is compared with
 * @param maxFanOut           relations followed from one entity per hop, strongest first
 * @param maxReached          entities a traversal reaches at most
 * @param maxEntityChunks     an entity that more chunks than this mention is a hub: a traversal neither starts from it nor goes through it
 * @param timeBudget          a traversal stops expanding when it has taken this long and scores what it reached
 * @param hopDecay            a path's weight is multiplied by this at every hop
 * @param queryTimeout        longest a graph statement may take before the store counts as unavailable
 */
@Validated
@ConfigurationProperties("dsp.graph")
public record GraphProperties(boolean enabled, Map<String, Integer> collections,
                              String uri, String username, String password, String database,
                              @DecimalMin("0.0") @DecimalMax("1.0") Double similarityThreshold,
                              @Min(1) @Max(50) Integer similarNeighbours,
                              @Min(1) @Max(1000) Integer maxFanOut,
                              @Min(1) @Max(100_000) Integer maxReached,
                              @Min(1) Integer maxEntityChunks,
                              Duration timeBudget,
                              @DecimalMin("0.01") @DecimalMax("1.0") Double hopDecay,
                              Duration queryTimeout) {

    public GraphProperties {
        collections = collections == null ? Map.of() : Map.copyOf(collections);
        uri = uri == null || uri.isBlank() ? "bolt://localhost:7687" : uri;
        database = database == null || database.isBlank() ? "neo4j" : database;
        similarityThreshold = similarityThreshold == null ? 0.85 : similarityThreshold;
        similarNeighbours = similarNeighbours == null ? 5 : similarNeighbours;
        maxFanOut = maxFanOut == null ? 25 : maxFanOut;
        maxReached = maxReached == null ? 500 : maxReached;
        maxEntityChunks = maxEntityChunks == null ? 200 : maxEntityChunks;
        timeBudget = timeBudget == null ? Duration.ofMillis(250) : timeBudget;
        hopDecay = hopDecay == null ? 0.5 : hopDecay;
        queryTimeout = queryTimeout == null ? Duration.ofSeconds(10) : queryTimeout;
    }

    public boolean hasCredentials() {
        return username != null && !username.isBlank();
    }

    /** Without the password, so that logging the settings cannot leak it. */
    @Override
    public String toString() {
        return "GraphProperties[enabled=" + enabled + ", collections=" + collections + ", uri=" + uri + ", username=" + username + ", password=" + (password == null || password.isEmpty() ? "unset" : "***")
                + ", database=" + database + ", similarityThreshold=" + similarityThreshold + ", similarNeighbours=" + similarNeighbours
                + ", maxFanOut=" + maxFanOut + ", maxReached=" + maxReached + ", maxEntityChunks=" + maxEntityChunks + ", timeBudget=" + timeBudget + ", hopDecay=" + hopDecay
                + ", queryTimeout=" + queryTimeout + "]";
    }
}
