package ai.dsp.platform.testing;

import java.io.IOException;
import java.util.List;

/**
 * The test harness's servers for a developer's own runs (the benchmarks, the production profile
 * without Docker), printed as the settings that point the platform at them, stopped when the
 * input ends (Ctrl-D) or the process is terminated. {@code LocalServers <partitions> <topic>...}:
 * Elasticsearch and Kafka, with the named topics of that many partitions.
 * {@code LocalServers neo4j}: Neo4j (run with {@code -Ddsp.test.neo4j.lucene}, as the tests are).
 */
public final class LocalServers {

    private LocalServers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("neo4j")) {
            try (Neo4jServer neo4j = new Neo4jServer()) {
                Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close));
                neo4j.start();
                serveUntilInputEnds("--dsp.graph.uri=" + neo4j.boltUri());
            }
            return;
        }
        int partitions = Integer.parseInt(args[0]);
        try (ElasticsearchServer elasticsearch = new ElasticsearchServer(); KafkaBroker kafka = new KafkaBroker()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                elasticsearch.close();
            }));
            elasticsearch.start();
            kafka.start();
            for (String topic : List.of(args).subList(1, args.length)) {
                kafka.createTopic(topic, partitions);
            }
            serveUntilInputEnds("--dsp.elasticsearch.urls=" + elasticsearch.url() + " --dsp.kafka.brokers=" + kafka.bootstrapServers());
        }
    }

    private static void serveUntilInputEnds(String settings) throws IOException {
        System.out.println(settings);
        System.out.flush();
        while (System.in.read() != -1) {
            // runs until the input closes
        }
    }
}
