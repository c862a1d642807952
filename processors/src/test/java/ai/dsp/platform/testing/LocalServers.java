package ai.dsp.platform.testing;

import java.util.List;

/**
 * The test harness's Elasticsearch and Kafka as servers for a developer's own runs (the Kafka
 * benchmark, the production profile without Docker). Prints where they listen, creates the
 * named topics with the given partitions, and stops both when its input ends (Ctrl-D) or it is
 * terminated. Usage: {@code LocalServers <partitions> <topic>...}.
 */
public final class LocalServers {

    private LocalServers() {
    }

    public static void main(String[] args) throws Exception {
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
            System.out.println("--dsp.elasticsearch.urls=" + elasticsearch.url() + " --dsp.kafka.brokers=" + kafka.bootstrapServers());
            System.out.flush();
            while (System.in.read() != -1) {
                // runs until the input closes
            }
        }
    }
}
