package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

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

    /**
     * Waits until every one of {@code ids} is INDEXED in {@code collection}, asking with one list
     * call per second: polling each document's status would spend the caller's rate limit (the
     * admin's 600 calls a minute) faster than it refills, and then never see them all.
     */
    static void awaitAllIndexed(AppHarness app, String collection, Collection<String> ids, Duration within) {
        Set<String> missing = new TreeSet<>(ids);
        try {
            await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> {
                AppHarness.Reply page = app.get("/api/v1/documents?collection=" + collection + "&limit=500");
                if (page.status() == 200) {
                    for (JsonNode document : page.body().path("items")) {
                        if ("INDEXED".equals(document.path("status").asText())) {
                            missing.remove(document.path("id").asText());
                        }
                    }
                }
                return missing.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("documents of " + collection + " still not INDEXED after " + within + ": " + missing, e);
        }
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
