package ai.dsp.platform.document.elasticsearch;

import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentRegistryContract;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.store.elasticsearch.ElasticsearchProperties;
import ai.dsp.platform.testing.ElasticsearchServer;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry contract against a real Elasticsearch 8.19; each test gets its own index. */
class ElasticsearchDocumentRegistryTest extends DocumentRegistryContract {

    private static RestClient restClient;
    private static ElasticsearchClient client;
    private static int prefixes;
    private final List<String> indexes = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void connect() {
        restClient = RestClient.builder(HttpHost.create(ElasticsearchServer.shared().url())).build();
        client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @AfterAll
    static void disconnect() throws IOException {
        restClient.close();
    }

    @AfterEach
    void dropIndexes() throws IOException {
        if (!indexes.isEmpty()) {
            client.indices().delete(d -> d.index(indexes).ignoreUnavailable(true));
        }
    }

    @Override
    protected DocumentRegistry newRegistry() {
        prefix = "r" + ProcessHandle.current().pid() + "-" + ++prefixes;
        indexes.add(prefix + "-documents");
        return open();
    }

    @Override
    protected DocumentRegistry reopen(DocumentRegistry closed) {
        return open();
    }

    @Test
    void instancesSharingTheIndexSeeEachOthersRecords() {
        DocumentRegistry first = newRegistry();
        DocumentRegistry second = open();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        first.save(new DocumentRecord("shared", "kb", "kafka:dsp.documents.v1", "a.txt", "text/plain", "h", 3,
                Map.of(), DocumentStatus.INDEXED, null, 2, null, now, now, "r1"));

        assertThat(second.find("shared")).map(DocumentRecord::chunks).contains(2);
        assertThat(second.list("kb", DocumentStatus.INDEXED, 0, 10).total()).isEqualTo(1);
        assertThat(second.collections()).containsExactly("kb");
    }

    private DocumentRegistry open() {
        return new ElasticsearchDocumentRegistry(client, new ElasticsearchProperties(List.of(), null, null, prefix, 0,
                Duration.ofMillis(100), 0, Duration.ofMillis(50)));
    }
}
