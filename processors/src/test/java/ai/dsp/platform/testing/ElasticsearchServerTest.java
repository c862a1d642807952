package ai.dsp.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class ElasticsearchServerTest {

    private static final String INDEX = "harness-vectors";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Its own node rather than the shared one: stopping the shared node would disturb other tests. */
    @Test
    void findsADenseVectorWithKnnAndKeepsItAcrossARestartOnTheSamePort() throws IOException {
        try (ElasticsearchServer server = new ElasticsearchServer()) {
            server.start();
            String url = server.url();
            try (RestClient client = client(server)) {
                createVectorIndex(client);
                index(client, "near", "[1.0, 0.0, 0.0]");
                index(client, "far", "[0.0, 0.0, 1.0]");

                assertThat(nearestId(client, "[0.9, 0.1, 0.0]")).isEqualTo("near");
            }

            server.stop();
            assertThat(server.running()).isFalse();
            server.start();

            assertThat(server.running()).isTrue();
            assertThat(server.url()).isEqualTo(url);
            try (RestClient client = client(server)) {
                assertThat(nearestId(client, "[0.9, 0.1, 0.0]")).isEqualTo("near");
            }
        }
    }

    private static RestClient client(ElasticsearchServer server) {
        return RestClient.builder(HttpHost.create(server.url())).build();
    }

    private static void createVectorIndex(RestClient client) throws IOException {
        send(client, "PUT", "/" + INDEX, """
                {"mappings": {"properties": {
                  "embedding": {"type": "dense_vector", "dims": 3, "index": true, "similarity": "cosine"}
                }}}""");
    }

    private static void index(RestClient client, String id, String vector) throws IOException {
        // refresh=true makes the document searchable before the request returns
        send(client, "PUT", "/" + INDEX + "/_doc/" + id + "?refresh=true", """
                {"embedding": %s}""".formatted(vector));
    }

    private static String nearestId(RestClient client, String queryVector) throws IOException {
        JsonNode result = send(client, "POST", "/" + INDEX + "/_search", """
                {"knn": {"field": "embedding", "query_vector": %s, "k": 1, "num_candidates": 10},
                 "_source": false}""".formatted(queryVector));
        JsonNode hits = result.path("hits").path("hits");
        assertThat(hits).hasSize(1);
        return hits.get(0).path("_id").asText();
    }

    private static JsonNode send(RestClient client, String method, String endpoint, String body) throws IOException {
        Request request = new Request(method, endpoint);
        request.setJsonEntity(body);
        Response response = client.performRequest(request);
        return JSON.readTree(response.getEntity().getContent());
    }
}
