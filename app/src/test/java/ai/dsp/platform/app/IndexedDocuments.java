package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** What the bus ingestion tests ask the running app about their documents, over its API. */
final class IndexedDocuments {

    private static final Duration INDEXED_WITHIN = Duration.ofSeconds(60);

    private IndexedDocuments() {
    }

    static void awaitIndexed(AppHarness app, String id) {
        await().atMost(INDEXED_WITHIN).until(() -> indexed(app, id));
    }

    static boolean indexed(AppHarness app, String id) {
        AppHarness.Reply reply = app.get("/api/v1/documents/" + id);
        return reply.status() == 200 && "INDEXED".equals(reply.body().path("status").asText());
    }

    /** The id of the indexed document of this filename in the collection, once there is one. */
    static String awaitFileIndexed(AppHarness app, String collection, String filename) {
        return await().atMost(INDEXED_WITHIN).until(() -> {
            for (JsonNode document : app.get("/api/v1/documents?collection=" + collection + "&limit=100").body().path("items")) {
                if (filename.equals(document.path("filename").asText()) && "INDEXED".equals(document.path("status").asText())) {
                    return document.path("id").asText();
                }
            }
            return null;
        }, id -> id != null);
    }
}
